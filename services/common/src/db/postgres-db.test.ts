import { sql, type Generated, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import pino from 'pino';
import { requireServer } from '../testing/servers.js';
import { migrateToLatest } from './migrate.js';
import { createPostgresDb } from './postgres-db.js';
import { dbReadiness } from './readiness.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.js';

interface TestDb {
  notes: { id: Generated<number>; body: string };
}

const logger = pino({ level: 'silent' });

// Statically imported migrations in real services; inline here. Unqualified names on purpose:
// they must land in the service schema through the search_path.
const migrations: Record<string, Migration> = {
  '0001_notes': {
    up: async (db) => {
      await db.schema
        .createTable('notes')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_notes_index': {
    up: async (db) => {
      await sql`create index notes_body_lower on notes (lower(body))`.execute(db);
    },
  },
};

let database: ThrowawayDatabase;
let db: Kysely<TestDb>;

beforeAll(async () => {
  database = await createThrowawayDatabase(requireServer('DATABASE_URL'), 'common_db');
  db = createPostgresDb<TestDb>({ url: database.url, schema: 'svc', logger, poolSize: 3 });
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

describe('migrateToLatest', () => {
  test('when the schema is missing, then it is created and every migration is applied in order', async () => {
    const applied = await migrateToLatest(db, migrations, { schema: 'svc', logger });
    expect(applied).toEqual(['0001_notes', '0002_notes_index']);

    const tables = await sql<{ table_schema: string; table_name: string }>`
      select table_schema, table_name from information_schema.tables
      where table_schema = 'svc' order by table_name`.execute(db);
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'kysely_migration',
      'kysely_migration_lock',
      'notes',
    ]);
  });

  test('when run again, then nothing is applied', async () => {
    await expect(migrateToLatest(db, migrations, { schema: 'svc' })).resolves.toEqual([]);
  });

  test('when replicas migrate concurrently, then each migration runs exactly once', async () => {
    const more: Record<string, Migration> = {
      ...migrations,
      '0003_notes_flag': {
        up: async (d) => {
          await d.schema.alterTable('notes').addColumn('flag', 'boolean').execute();
        },
      },
    };
    const runs = await Promise.all([
      migrateToLatest(db, more, { schema: 'svc' }),
      migrateToLatest(db, more, { schema: 'svc' }),
      migrateToLatest(db, more, { schema: 'svc' }),
    ]);
    expect(runs.flat()).toEqual(['0003_notes_flag']);
  });

  test('when a migration fails, then migrateToLatest throws naming it', async () => {
    const broken: Record<string, Migration> = {
      '0001_notes': migrations['0001_notes'] as Migration,
      '0002_notes_index': migrations['0002_notes_index'] as Migration,
      '0003_notes_flag': { up: async () => {} },
      '0004_broken': {
        up: async (d) => {
          await sql`select * from no_such_table`.execute(d);
        },
      },
    };
    await expect(migrateToLatest(db, broken, { schema: 'svc' })).rejects.toThrow(
      'Migration 0004_broken failed in schema "svc"',
    );
  });

  test('when the schema name is not a plain identifier, then it is refused', async () => {
    await expect(migrateToLatest(db, {}, { schema: 'svc; drop table x' })).rejects.toThrow(
      /Invalid Postgres schema name/,
    );
  });
});

describe('createPostgresDb', () => {
  test('when querying unqualified tables, then the service schema is used', async () => {
    await db.insertInto('notes').values({ body: 'hello' }).execute();
    const row = await db.selectFrom('notes').select('body').executeTakeFirstOrThrow();
    expect(row.body).toBe('hello');
    const path = await sql<{ search_path: string }>`show search_path`.execute(db);
    expect(path.rows[0]?.search_path).toBe('svc');
  });

  test('when the database answers, then the readiness check passes', async () => {
    const readiness = dbReadiness(db);
    expect(readiness.name).toBe('postgres');
    await expect(readiness.check()).resolves.toBeUndefined();
  });

  test('when the database is unreachable, then the readiness check rejects', async () => {
    const url = new URL(database.url);
    url.port = '1';
    const down = createPostgresDb({ url: url.toString(), schema: 'svc', logger });
    try {
      await expect(dbReadiness(down).check()).rejects.toThrow();
    } finally {
      await down.destroy();
    }
  });
});
