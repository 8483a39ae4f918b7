// The services' own configuration schemas, the single truth for their environment variables:
// an environment is right when the service itself would start with it. Imported from the
// built workspaces (dist), exactly as the images run them.
import { archiveEnvSchema } from '@falablau/archive/dist/config.js';
import { authEnvSchema } from '@falablau/auth/dist/config.js';
import { chatEnvSchema } from '@falablau/chat/dist/config.js';
import { ConfigError, parseConfig, type Env } from '@falablau/common';
import type { ServiceName } from './contract.js';
import type { ParseResult } from './env-example.js';

const schemas = { auth: authEnvSchema, chat: chatEnvSchema, archive: archiveEnvSchema } as const;

/** Read by Node or libuv rather than by a service's schema; legitimate anywhere. */
export const RUNTIME_VARIABLES: readonly string[] = ['NODE_OPTIONS', 'UV_THREADPOOL_SIZE', 'TZ'];

/** Parses `env` with the service's schema, as its main.ts does at start-up. */
export function parseServiceConfig(service: ServiceName, env: Env): ParseResult {
  try {
    return { ok: true, config: parseConfig(schemas[service], env) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.issues };
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

/**
 * The variable names of a schema: the keys of the object under its refinements and transform
 * (`z.object(...).superRefine(...).transform(...)` is a pipe whose input is the object).
 */
export function schemaKeysOf(schema: unknown): string[] {
  let current = schema;
  for (let depth = 0; depth < 8 && isRecord(current); depth += 1) {
    if (isRecord(current.shape)) return Object.keys(current.shape);
    current = current.in;
  }
  throw new Error('not an object schema (or a pipe from one)');
}

export function schemaKeys(service: ServiceName): string[] {
  return schemaKeysOf(schemas[service]);
}

/** Names that are neither the service's variables nor runtime ones: typos, most likely. */
export function unknownKeys(service: ServiceName, keys: Iterable<string>): string[] {
  const known = new Set([...schemaKeys(service), ...RUNTIME_VARIABLES]);
  return [...keys].filter((key) => !known.has(key));
}
