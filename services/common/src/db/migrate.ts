// Schema migrations with Kysely's Migrator. Migrations are TypeScript modules imported
// statically and handed over as a record, so the built `dist` needs no file globbing and a
// bundled or standalone build migrates exactly like the cluster build.
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Logger } from 'pino';
import { assertSchemaName } from './schema-name.js';

export type { Migration } from 'kysely';

export interface MigrateOptions {
  /** The service's schema: created when missing, and home of the migration bookkeeping tables. */
  schema: string;
  logger?: Logger;
}

const DUPLICATE_SCHEMA = new Set(['42P06', '23505']);

function pgErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Runs every migration not yet applied, in name order, each in its own transaction. Safe to call
 * from several replicas at once: Kysely serialises runs with a lock in the schema.
 * Returns the names of the migrations applied by this call; throws if any failed.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  migrations: Record<string, Migration>,
  { schema, logger }: MigrateOptions,
): Promise<string[]> {
  assertSchemaName(schema);
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    // Two replicas creating the schema at the same moment: one loses a catalog race, which
    // `if not exists` does not cover. The schema exists either way.
    if (!DUPLICATE_SCHEMA.has(pgErrorCode(error) ?? '')) throw error;
  }

  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableSchema: schema,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(setup)';
    throw new Error(`Migration ${failed} failed in schema "${schema}"`, { cause: error });
  }
  if (applied.length > 0) logger?.info({ schema, applied }, 'database migrated');
  return applied;
}
