// One Kysely instance per service on a `pg` pool whose connections all start with
// `search_path = <service schema>`: each service owns one Postgres schema and writes unqualified
// table names, so the same migrations run against a shared cluster, a per-test database or PGlite.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { assertSchemaName } from './schema-name.js';

export interface PostgresPoolOptions {
  /** A `postgres://` connection string. */
  url: string;
  /** The schema this service owns; it becomes the connection's `search_path`. */
  schema: string;
  logger: Logger;
  /** Maximum connections in the pool (pg's default is 10). */
  poolSize?: number;
}

/**
 * A `pg` pool for one service schema. Exposed separately from {@link createPostgresDb} because a
 * few libraries (e.g. rate-limiter-flexible's Postgres store) need the raw pool.
 */
export function createPostgresPool({
  url,
  schema,
  logger,
  poolSize = 10,
}: PostgresPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // A startup parameter rather than a `SET` per connection: no extra round trip, and it also
    // applies to connections that bypass Kysely (the pool is shared with the rate limiter).
    options: `-c search_path=${assertSchemaName(schema)}`,
    application_name: `falablau-${schema}`,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client can fail (server restart, network drop); without a listener pg would emit an
  // unhandled 'error' event and crash the process. The pool replaces the client on next use.
  pool.on('error', (error) => {
    logger.warn({ err: error }, 'idle Postgres client failed');
  });
  return pool;
}

export interface PostgresDbOptions extends PostgresPoolOptions {
  /** Reuse an existing pool (made by {@link createPostgresPool}) instead of creating one. */
  pool?: pg.Pool;
}

/** A Kysely instance on the service's schema. `db.destroy()` also ends the pool. */
export function createPostgresDb<DB>(options: PostgresDbOptions): Kysely<DB> {
  const pool = options.pool ?? createPostgresPool(options);
  const { logger } = options;
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log(event) {
      // Failed queries surface to the caller anyway; the debug line keeps the SQL for diagnosis.
      if (event.level === 'error') {
        logger.debug(
          { err: event.error, sql: event.query.sql, durationMs: event.queryDurationMillis },
          'query failed',
        );
      }
    },
  });
}
