import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import { createLogger } from '../logger.js';
import { migrateToLatest, type Migration } from './migrate.js';
import { openEmbeddedPostgres, type EmbeddedPostgres } from './pglite-db.js';

const logger = createLogger({ name: 'pglite-test', level: 'silent' });

interface CounterDb {
  counters: { id: string; value: string };
  notes: {
    id: Generated<number>;
    body: string;
    body_key: ColumnType<string, never, never>;
    doc: unknown;
  };
}

const schemaMigrations: Record<string, Migration> = {
  '0001_tables': {
    up: async (db: Kysely<unknown>) => {
      await db.schema
        .createTable('counters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('notes')
        .addColumn('id', 'serial', (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('body_key', 'text', (c) =>
          c
            .notNull()
            .generatedAlwaysAs(sql`lower(body)`)
            .stored(),
        )
        .addColumn('doc', 'jsonb')
        .addUniqueConstraint('notes_body_key_unique', ['body_key'])
        .execute();
    },
  },
};

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

describe('embedded Postgres (PGlite) for service schemas', () => {
  let postgres: EmbeddedPostgres;
  let alpha: Kysely<CounterDb>;
  let beta: Kysely<CounterDb>;

  beforeAll(async () => {
    postgres = await openEmbeddedPostgres({ dataDir: 'memory://', logger });
    alpha = postgres.database<CounterDb>('alpha');
    beta = postgres.database<CounterDb>('beta');
    await migrateToLatest(alpha, schemaMigrations, { schema: 'alpha' });
    await migrateToLatest(beta, schemaMigrations, { schema: 'beta' });
  }, 60_000);

  afterAll(async () => {
    await alpha.destroy();
    await beta.destroy();
    await postgres.close();
  });

  test('when two services write unqualified names at once, then each lands in its own schema', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? alpha : beta)
          .insertInto('counters')
          .values({ id: `c${i}`, value: String(i) })
          .execute(),
      ),
    );
    const inAlpha = await alpha.selectFrom('counters').select('id').orderBy('id').execute();
    const inBeta = await beta.selectFrom('counters').select('id').orderBy('id').execute();
    expect(inAlpha.map((r) => r.id)).toEqual([
      'c0',
      'c10',
      'c12',
      'c14',
      'c16',
      'c18',
      'c2',
      'c4',
      'c6',
      'c8',
    ]);
    expect(inBeta.map((r) => r.id)).toEqual([
      'c1',
      'c11',
      'c13',
      'c15',
      'c17',
      'c19',
      'c3',
      'c5',
      'c7',
      'c9',
    ]);
  });

  test('when 50 transactions read-then-write one row concurrently, then none interleaves (no lost update)', async () => {
    await alpha.insertInto('counters').values({ id: 'race', value: '0' }).execute();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        alpha.transaction().execute(async (trx) => {
          const row = await trx
            .selectFrom('counters')
            .select('value')
            .where('id', '=', 'race')
            .executeTakeFirstOrThrow();
          // Yield to the event loop: another transaction would run now if they could interleave.
          await sleep(1);
          await trx
            .updateTable('counters')
            .set({ value: String(Number(row.value) + 1) })
            .where('id', '=', 'race')
            .execute();
        }),
      ),
    );
    const row = await alpha
      .selectFrom('counters')
      .select('value')
      .where('id', '=', 'race')
      .executeTakeFirstOrThrow();
    expect(row.value).toBe('50');
  });

  test('when a transaction throws, then its writes roll back and the session serves the next caller', async () => {
    await expect(
      beta.transaction().execute(async (trx) => {
        await trx.insertInto('counters').values({ id: 'doomed', value: '1' }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(
      beta.transaction().execute(async (trx) => {
        await sql`select 1 / 0`.execute(trx);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    const doomed = await beta
      .selectFrom('counters')
      .select('id')
      .where('id', '=', 'doomed')
      .execute();
    expect(doomed).toEqual([]);
  });

  test('when a connection is held outside a transaction, then the other services still get through (no deadlock)', async () => {
    const result = await alpha.connection().execute(async (conn) => {
      const lock = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_lock(42, 0) as locked`.execute(conn);
      // Like chat's mover calling the archive, whose store is in this database, while it holds on.
      const other = await beta.transaction().execute((trx) =>
        trx
          .selectFrom('counters')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      );
      await sql`select pg_advisory_unlock(42, 0)`.execute(conn);
      return { locked: lock.rows[0]?.locked, other: other.n };
    });
    expect(result.locked).toBe(true);
    expect(typeof result.other).toBe('string');
  });

  test('when values come back, then they have node-postgres types (int8 as string, timestamptz as Date, jsonb parsed)', async () => {
    const row = await sql<{
      big: unknown;
      at: unknown;
      doc: unknown;
    }>`select 9007199254740993::int8 as big, now() as at, '{"a":[1,2]}'::jsonb as doc`.execute(
      alpha,
    );
    const [first] = row.rows;
    expect(first?.big).toBe('9007199254740993');
    expect(first?.at).toBeInstanceOf(Date);
    expect(first?.doc).toEqual({ a: [1, 2] });
  });

  test('when a unique constraint is violated, then the error has the SQLSTATE and constraint name', async () => {
    await alpha
      .insertInto('notes')
      .values({ body: 'Hello', doc: JSON.stringify({ n: 1 }) })
      .execute();
    await expect(
      alpha.insertInto('notes').values({ body: 'HELLO', doc: null }).execute(),
    ).rejects.toMatchObject({ code: '23505', constraint: 'notes_body_key_unique' });
  });

  test('when the services’ Postgres features are used, then they work (on conflict, skip locked, xact locks, generated columns, jsonb)', async () => {
    const inserted = await alpha
      .insertInto('notes')
      .values([
        { body: 'hello', doc: JSON.stringify({ n: 2 }) },
        { body: 'World', doc: JSON.stringify({ n: 3 }) },
      ])
      .onConflict((oc) => oc.column('body_key').doNothing())
      .returning(['body_key'])
      .execute();
    expect(inserted).toEqual([{ body_key: 'world' }]);

    const claimed = await alpha.transaction().execute(async (trx) => {
      const locks = await sql<{
        n: number;
      }>`select n from unnest(array[1, 2, 3]) as n where pg_try_advisory_xact_lock(7, n)`.execute(
        trx,
      );
      const rows = await trx
        .selectFrom('notes')
        .select(['body', sql<number>`(doc->>'n')::int`.as('n')])
        .where(sql<boolean>`doc ? 'n'`)
        .orderBy('id')
        .forUpdate()
        .skipLocked()
        .execute();
      return { locks: locks.rows.map((r) => r.n), rows };
    });
    expect(claimed).toEqual({
      locks: [1, 2, 3],
      rows: [
        { body: 'Hello', n: 1 },
        { body: 'World', n: 3 },
      ],
    });

    const deleted = await alpha.deleteFrom('notes').where('body', '=', 'World').executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(1n);
  });

  test('when a savepoint is rolled back, then only its part of the transaction is undone', async () => {
    const trx = await beta.startTransaction().execute();
    await trx.insertInto('counters').values({ id: 'kept', value: '1' }).execute();
    const inner = await trx.savepoint('inner').execute();
    await inner.insertInto('counters').values({ id: 'undone', value: '1' }).execute();
    await inner.rollbackToSavepoint('inner').execute();
    await trx.commit().execute();
    const ids = await beta
      .selectFrom('counters')
      .select('id')
      .where('id', 'in', ['kept', 'undone'])
      .execute();
    expect(ids).toEqual([{ id: 'kept' }]);
  });
});

describe('embedded Postgres on disk', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'falablau-pglite-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('when closed and opened again, then the data is still there and it is not created twice', async () => {
    const dataDir = join(dir, 'pg');
    const first = await openEmbeddedPostgres({ dataDir, logger });
    expect(first.created).toBe(true);
    const db = first.database<CounterDb>('alpha');
    await migrateToLatest(db, schemaMigrations, { schema: 'alpha' });
    await db.insertInto('counters').values({ id: 'persisted', value: '7' }).execute();
    await first.close();
    await expect(db.selectFrom('counters').selectAll().execute()).rejects.toThrow(/closed/);

    const second = await openEmbeddedPostgres({ dataDir, logger });
    expect(second.created).toBe(false);
    const again = second.database<CounterDb>('alpha');
    expect(await migrateToLatest(again, schemaMigrations, { schema: 'alpha' })).toEqual([]);
    expect(await again.selectFrom('counters').selectAll().execute()).toEqual([
      { id: 'persisted', value: '7' },
    ]);
    await second.close();
  }, 60_000);
});
