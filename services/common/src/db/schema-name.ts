// Schema names end up in DDL and in the connection's startup options, where they cannot be
// passed as bind parameters, so they are restricted to plain lower-case identifiers instead.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid Postgres schema name "${schema}": use [a-z_][a-z0-9_]* (max 63)`);
  }
  return schema;
}
