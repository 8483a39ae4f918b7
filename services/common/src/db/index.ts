export {
  createPostgresDb,
  createPostgresPool,
  type PostgresDbOptions,
  type PostgresPoolOptions,
} from './postgres-db.js';
export { migrateToLatest, type Migration, type MigrateOptions } from './migrate.js';
export { dbReadiness } from './readiness.js';
export { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.js';
export {
  openEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './pglite-db.js';
