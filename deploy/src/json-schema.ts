// JSON Schema validation (draft-07, as the vendored Compose and skaffold schemas are) with Ajv.
// Errors come back as readable lines (`/services/auth/ports/0: must be string`) so a failing
// test says exactly what to fix.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const compiled = new Map<string, ValidateFunction>();

function compile(schemaPath: string): ValidateFunction {
  const cached = compiled.get(schemaPath);
  if (cached) return cached;
  // strict: false — upstream schemas use keywords and formats Ajv's strict mode rejects
  // (`x-*` annotations, `format: duration`), which are annotations, not constraints.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { $schema?: unknown };
  // The Compose schema names draft-07 by its https:// URL; Ajv knows it by the canonical http://
  // id (the same meta-schema), so the draft is named the way Ajv expects.
  if (
    typeof schema.$schema === 'string' &&
    /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/.test(schema.$schema)
  ) {
    schema.$schema = 'http://json-schema.org/draft-07/schema#';
  }
  const validate = ajv.compile(schema as object);
  compiled.set(schemaPath, validate);
  return validate;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const extra = Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

/** Validates `document` against the JSON Schema file; returns the problems (empty = valid). */
export function schemaErrors(schemaPath: string, document: unknown): string[] {
  const validate = compile(schemaPath);
  return validate(document) ? [] : (validate.errors ?? []).map(describe);
}
