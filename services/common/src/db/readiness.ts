import { sql, type Kysely } from 'kysely';

interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/** A readiness probe for `createHttpApp`: the pool can hand out a connection that answers. */
export function dbReadiness<DB>(db: Kysely<DB>, name = 'postgres'): ReadinessCheck {
  return {
    name,
    check: async () => {
      await sql`select 1`.execute(db);
    },
  };
}
