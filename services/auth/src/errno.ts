/**
 * The `code` of a Node.js or driver error (`ENOENT`, Postgres SQLSTATE `23505` …). Checked by
 * shape rather than `instanceof Error`: errors from Node's core modules come from another realm
 * under test runners that sandbox modules (Jest's VM), where `instanceof` would be false.
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
