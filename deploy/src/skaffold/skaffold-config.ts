// What the skaffold and k8s-dev checks read: skaffold.yaml (validated against the vendored
// v4beta14 schema, with its profiles applied the way Skaffold applies them), the Helm values it
// sets, and the chart's values.yaml those must exist in. Pure functions over parsed YAML, so a
// test can hand in a deliberately broken copy and see the check fail.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonPatch, { type Operation } from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';
import { schemaErrors } from '../json-schema.js';
import { repoRoot, requireShared } from '../paths.js';

export const skaffoldApiVersion = 'skaffold/v4beta14';
export const skaffoldPath = join(repoRoot, 'skaffold.yaml');
export const chartDir = join(repoRoot, 'charts', 'falablau');

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The one YAML document in `path`; a syntax error or a second document fails loudly. */
export function readYamlFile(path: string): unknown {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  if (!Array.isArray(documents) || documents.length !== 1) {
    throw new Error(`${path}: expected exactly one YAML document`);
  }
  const [document] = documents;
  if (document === undefined || document.errors.length > 0) {
    throw new Error(`${path}: ${document?.errors.map((e) => e.message).join('; ') ?? 'empty'}`);
  }
  return document.toJS() as unknown;
}

/**
 * Everything wrong with a skaffold configuration. The schema leaves `apiVersion` a free string
 * (Skaffold picks the schema from it), so the version is checked here: a config written for
 * another schema version must not pass just because its fields happen to validate.
 */
export function skaffoldProblems(config: unknown): string[] {
  const problems = schemaErrors(requireShared('schemas', 'skaffold-v4beta14.json'), config);
  if (isDict(config)) {
    if (config.apiVersion !== skaffoldApiVersion) {
      problems.push(`/apiVersion: must be ${skaffoldApiVersion}, not ${String(config.apiVersion)}`);
    }
    if (config.kind !== 'Config') problems.push(`/kind: must be Config`);
  }
  return problems;
}

/** Child `key` of a mapping, or a loud failure naming the path (the checks need it present). */
export function child(value: unknown, key: string, where = ''): unknown {
  if (!isDict(value) || !(key in value)) throw new Error(`${where}/${key} is missing`);
  return value[key];
}

export function dictAt(value: unknown, path: string[]): Dict {
  let current = value;
  let where = '';
  for (const key of path) {
    current = child(current, key, where);
    where += `/${key}`;
  }
  if (!isDict(current)) throw new Error(`${where} is not a mapping`);
  return current;
}

export function listAt(value: unknown, path: string[]): unknown[] {
  const parent = dictAt(value, path.slice(0, -1));
  const last = path.at(-1) ?? '';
  const list = child(parent, last, `/${path.slice(0, -1).join('/')}`);
  if (!Array.isArray(list)) throw new Error(`/${path.join('/')} is not a list`);
  return list;
}

// ── JSON patch (RFC 6902), the notation of Skaffold profiles ──────────────────────────────────

/**
 * `document` with `patches` applied (RFC 6902, as Skaffold applies them; its default op is
 * replace). A patch whose target does not exist fails, as it fails Skaffold: a profile must not
 * silently patch nothing.
 */
export function applyPatches(document: unknown, patches: unknown[]): unknown {
  const operations = patches.map((patch) => {
    if (!isDict(patch) || typeof patch.path !== 'string') throw new Error('a patch needs a path');
    return { ...patch, op: typeof patch.op === 'string' ? patch.op : 'replace' } as Operation;
  });
  return jsonPatch.applyPatch(structuredClone(document), operations, true, false).newDocument;
}

/** The config as Skaffold sees it with `profileNames` active, in that order. */
export function withProfiles(config: unknown, profileNames: string[]): unknown {
  const profiles = listAt(config, ['profiles']);
  let result = structuredClone(config);
  for (const name of profileNames) {
    const profile = profiles.find((p) => isDict(p) && p.name === name);
    if (!isDict(profile)) throw new Error(`no profile named ${name}`);
    if (Array.isArray(profile.patches)) result = applyPatches(result, profile.patches);
  }
  if (isDict(result)) Reflect.deleteProperty(result, 'profiles');
  return result;
}

// ── Helm values ───────────────────────────────────────────────────────────────────────────────

/** Artifact name as Skaffold spells it in template variables (`falablau/auth` → `falablau_auth`). */
export function templateName(image: string): string {
  return image.replace(/[/.:-]/g, '_');
}

/** A `--set` key split into its path (`a.b\.c` is `a` → `b.c`). */
export function setKeyPath(key: string): string[] {
  return key.split(/(?<!\\)\./).map((part) => part.replaceAll('\\.', '.'));
}

/** Whether `path` names a key the chart's values.yaml declares (possibly with a null value). */
export function hasValuePath(values: unknown, path: string[]): boolean {
  let current = values;
  for (const key of path) {
    if (!isDict(current) || !(key in current)) return false;
    current = current[key];
  }
  return true;
}

/**
 * Keys of `overrides` that the chart does not declare, as dotted paths. Below a chart value that
 * is an empty mapping (`podAnnotations: {}`, `resources: {}`) anything goes; lists and scalars
 * are replaced whole. Helm ignores unknown keys silently, so a typo here would be a setting that
 * never takes effect.
 */
export function undeclaredValues(chartValues: unknown, overrides: unknown, prefix = ''): string[] {
  if (!isDict(overrides)) return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (!isDict(chartValues) || !(key in chartValues)) {
      problems.push(path);
      continue;
    }
    const declared = chartValues[key];
    if (isDict(declared) && Object.keys(declared).length > 0 && isDict(value)) {
      problems.push(...undeclaredValues(declared, value, path));
    }
  }
  return problems;
}

/** The chart's values.yaml, or a failure saying the chart has to exist for these checks. */
export function readChartValues(): unknown {
  const path = join(chartDir, 'values.yaml');
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: skaffold.yaml deploys charts/falablau, which must exist`);
  }
  return readYamlFile(path);
}
