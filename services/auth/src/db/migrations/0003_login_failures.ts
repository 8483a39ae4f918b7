import type { Kysely } from 'kysely';
import type { Migration } from '@falablau/common';

// The failed-login counters of rate-limiter-flexible's RateLimiterPostgres, created here (with
// the library's exact layout) so the schema is owned by migrations and every replica shares it.
export const loginFailures: Migration = {
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable('login_failures')
      .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expire', 'bigint')
      .execute();
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable('login_failures').execute();
  },
};
