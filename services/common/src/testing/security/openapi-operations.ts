// The route list the security suites iterate, taken from the service itself: its OpenAPI
// document (`app.swagger()` or GET /openapi.json) says which operations exist, which need a bearer
// token, and which parameters and body fields each takes; Fastify's own route table
// (`printRoutes`) proves the document lists every route (hidden ones must be named). A route
// added tomorrow is covered by every suite without touching the tests.
import { randomUUID } from 'node:crypto';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperationObject {
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, unknown>;
}

export interface OpenApiDocument {
  paths?: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperationObject>>>;
}

export interface Operation {
  method: HttpMethod;
  /** The OpenAPI path template, e.g. `/rooms/{id}/messages`. */
  path: string;
  /** `METHOD /path`, for test titles and lookup tables. */
  key: string;
  /** Declares `security` (a bearer token is required). */
  secured: boolean;
  pathParams: OpenApiParameter[];
  queryParams: OpenApiParameter[];
  /** The JSON body's schema, when the operation takes one. */
  body?: JsonSchema;
  /** Documented response status codes. */
  responses: string[];
}

const methods: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Every operation of the document, in document order. */
export function openApiOperations(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of methods) {
      const op = item[method.toLowerCase() as Lowercase<HttpMethod>];
      if (!op) continue;
      const parameters = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const json = content['application/json'] ?? Object.values(content)[0];
      operations.push({
        method,
        path,
        key: `${method} ${path}`,
        secured: (op.security ?? []).some((requirement) => Object.keys(requirement).length > 0),
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        ...(json?.schema ? { body: json.schema } : {}),
        responses: Object.keys(op.responses ?? {}),
      });
    }
  }
  return operations;
}

/**
 * The routes of Fastify's `printRoutes({ commonPrefix: false })` tree as `METHOD /path` with
 * OpenAPI-style parameters (`/rooms/{id}`); HEAD (Fastify adds it to every GET) is left out.
 */
export function routesFromPrintRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S*)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = Math.round((match[1] ?? '').length / 4);
    stack.length = depth;
    stack.push(match[2] ?? '');
    if (match[3] === undefined) continue;
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of match[3].split(',').map((m) => m.trim())) {
      if (method !== 'HEAD' && method !== '') routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

/** `/rooms/{id}` with `{id: 'x'}` → `/rooms/x` (values URL-encoded). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${template}`);
    return encodeURIComponent(value);
  });
}

function stringExample(schema: JsonSchema): string {
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'date-time') return new Date(Date.now() - 60_000).toISOString();
  const length = Math.max(1, schema.minLength ?? 1);
  const candidates = ['1', 'a', 'a1', 'a_1', 'example'];
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern);
  for (const base of candidates) {
    const value = base.repeat(Math.ceil(length / base.length));
    if (!pattern || pattern.test(value)) return value;
  }
  throw new Error(`no example for the string schema ${JSON.stringify(schema)}`);
}

/**
 * A small value that satisfies `schema` (the subset zod emits: strings with length, pattern or
 * format, numbers, booleans, arrays, objects with required properties). Tests override what must
 * be real (an existing room id, a known user).
 */
export function exampleFromSchema(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return exampleFromSchema(variant);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringExample(schema);
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        exampleFromSchema(schema.items ?? {}),
      );
    case 'object':
    case undefined: {
      if (!schema.properties) return {};
      const required = new Set(schema.required ?? []);
      return Object.fromEntries(
        Object.entries(schema.properties)
          .filter(([name]) => required.has(name))
          .map(([name, property]) => [name, exampleFromSchema(property)]),
      );
    }
    default:
      throw new Error(`no example for the schema type ${type}`);
  }
}

/** A body field: its path in the body (array items as index 0) and its schema. */
export interface BodyField {
  path: (string | number)[];
  /** `messages[0].text`, for titles. */
  name: string;
  schema: JsonSchema;
}

/** Every field of a JSON body, descending into objects and the first item of arrays. */
export function bodyFields(schema: JsonSchema, prefix: (string | number)[] = []): BodyField[] {
  const fields: BodyField[] = [];
  // An optional body (`anyOf: [object, null]`): the object's fields.
  const object = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].find(
    (s) => s.properties,
  );
  for (const [name, property] of Object.entries(object?.properties ?? {})) {
    const path = [...prefix, name];
    fields.push({ path, name: fieldName(path), schema: property });
    if (property.properties) fields.push(...bodyFields(property, path));
    if (property.items?.properties) fields.push(...bodyFields(property.items, [...path, 0]));
  }
  return fields;
}

function fieldName(path: (string | number)[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${String(part)}]` : i === 0 ? part : `.${part}`,
    )
    .join('');
}

/** A deep copy of `body` with the field at `path` set to `value`. */
export function withField(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) {
      throw new Error(`the example body has no object at ${fieldName(path)}`);
    }
    node = next as Record<string | number, unknown>;
  }
  const last = path.at(-1);
  if (last === undefined) throw new Error('empty field path');
  node[last] = value;
  return copy;
}

/** True when a string field takes free text (no format, pattern or enum restricting it). */
export function isFreeText(schema: JsonSchema): boolean {
  return (
    schema.type === 'string' &&
    schema.format === undefined &&
    schema.pattern === undefined &&
    schema.enum === undefined
  );
}

/** Routes Fastify serves that the document does not list, less the ones known to be hidden. */
export function undocumentedRoutes(
  document: OpenApiDocument,
  printedRoutes: string,
  hidden: readonly string[],
): string[] {
  const documented = new Set(openApiOperations(document).map((op) => op.key));
  return routesFromPrintRoutes(printedRoutes).filter(
    (route) => !documented.has(route) && !hidden.includes(route),
  );
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` satisfies `schema`, for the subset zod emits for request fields (type, string
 * length, pattern, uuid and date-time formats, enums, number bounds). It decides what a suite
 * expects: a value the schema refuses must be a 400 with no effect; one it accepts is legitimate
 * input (a SQL string is a fine password) and must merely do no harm.
 */
export function schemaAccepts(schema: JsonSchema, value: unknown): boolean {
  if (schema.anyOf) return schema.anyOf.some((s) => schemaAccepts(s, value));
  if (schema.oneOf) return schema.oneOf.some((s) => schemaAccepts(s, value));
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (schema.const !== undefined && schema.const !== value) return false;
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (value === null) return types.includes('null');
  switch (typeof value) {
    case 'string': {
      if (types.length > 0 && !types.includes('string')) return false;
      if (schema.minLength !== undefined && value.length < schema.minLength) return false;
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
        return false;
      if (schema.format === 'uuid' && !uuidPattern.test(value)) return false;
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) return false;
      return true;
    }
    case 'number':
      if (!types.includes('number') && !(types.includes('integer') && Number.isInteger(value))) {
        return false;
      }
      if (schema.minimum !== undefined && value < schema.minimum) return false;
      if (schema.maximum !== undefined && value > schema.maximum) return false;
      return true;
    case 'boolean':
      return types.includes('boolean');
    case 'object': {
      if (Array.isArray(value)) {
        if (!types.includes('array')) return false;
        if (schema.minItems !== undefined && value.length < schema.minItems) return false;
        if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
        const items = schema.items;
        return items === undefined || value.every((item) => schemaAccepts(items, item));
      }
      if (!types.includes('object') && !(types.length === 0 && schema.properties)) return false;
      const record = value as Record<string, unknown>;
      const properties = schema.properties ?? {};
      if ((schema.required ?? []).some((name) => !Object.hasOwn(record, name))) return false;
      return Object.entries(record).every(([name, field]) => {
        const property = properties[name];
        if (property) return schemaAccepts(property, field);
        return schema.additionalProperties !== false;
      });
    }
    default:
      return false;
  }
}
