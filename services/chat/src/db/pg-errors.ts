// Postgres reports constraint violations with SQLSTATE codes; the services turn the expected ones
// (a taken room name, a room that vanished, a concurrent duplicate) into domain answers.
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

interface PgError {
  code: string;
  constraint?: string;
}

function isPgError(error: unknown): error is PgError {
  return (
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
  );
}

/** True when `error` is Postgres' `code`, optionally raised by the named constraint. */
export function isPgViolation(error: unknown, code: string, constraint?: string): boolean {
  if (!isPgError(error) || error.code !== code) return false;
  return constraint === undefined || error.constraint === constraint;
}
