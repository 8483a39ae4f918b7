import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import {
  createLogger,
  createPostgresDb,
  createThrowawayDatabase,
  openEmbeddedPostgres,
  type EmbeddedPostgres,
  type ThrowawayDatabase,
} from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import { makeMessage, roomMessages } from '../../testing/messages.js';
import { describeArchiveStoreContract } from '../archive-store.contract.js';
import type { ArchivePgDb } from './pg-archive-schema.js';
import { createPgArchiveStore } from './pg-archive-store.js';

const logger = createLogger({ name: 'archive-pg-test', level: 'silent' });
/** Each store under test gets a schema of its own in the database shared by this file. */
const freshSchema = () => `archive_${randomBytes(5).toString('hex')}`;

let embedded: EmbeddedPostgres;
let server: ThrowawayDatabase;

beforeAll(async () => {
  embedded = await openEmbeddedPostgres({ dataDir: 'memory://', logger });
  server = await createThrowawayDatabase(requireServer('DATABASE_URL'), 'archive_pg');
}, 60_000);

afterAll(async () => {
  await embedded.close();
  await server.drop();
});

async function dropSchema(db: Kysely<ArchivePgDb>, schema: string, destroy: boolean) {
  await sql`drop schema ${sql.id(schema)} cascade`.execute(db);
  if (destroy) await db.destroy();
}

describeArchiveStoreContract('Postgres JSONB on the embedded PGlite (standalone)', async () => {
  const schema = freshSchema();
  const db = embedded.database<ArchivePgDb>(schema);
  return {
    store: createPgArchiveStore({ db, schema, logger }),
    dispose: () => dropSchema(db, schema, false),
  };
});

describeArchiveStoreContract('Postgres JSONB on a Postgres server (DATABASE_URL)', async () => {
  const schema = freshSchema();
  const db = createPostgresDb<ArchivePgDb>({ url: server.url, schema, logger, poolSize: 4 });
  return {
    store: createPgArchiveStore({ db, schema, logger }),
    dispose: () => dropSchema(db, schema, true),
  };
});

describe('Postgres ArchiveStore specifics (server)', () => {
  let db: Kysely<ArchivePgDb>;
  let schema: string;

  beforeEach(() => {
    schema = freshSchema();
    db = createPostgresDb<ArchivePgDb>({ url: server.url, schema, logger, poolSize: 8 });
  });

  afterEach(async () => {
    await dropSchema(db, schema, true);
  });

  test('when a message is stored, then it is kept whole as JSONB beside its indexed columns', async () => {
    const store = createPgArchiveStore({ db, schema, logger });
    expect(await store.init()).toEqual({ nativeExpiry: false });
    const message = makeMessage({ createdAt: '2025-03-01T12:30:00.250+02:00' });
    await store.upsertMany([message]);
    const row = await db.selectFrom('messages').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      id: message.id,
      room_id: message.roomId,
      seq: '1',
      user_id: message.userId,
      created_at: new Date('2025-03-01T10:30:00.250Z'),
      message: { ...message, createdAt: '2025-03-01T10:30:00.250Z' },
    });
  });

  test('when the same messages arrive in concurrent batches, then each is inserted exactly once', async () => {
    const store = createPgArchiveStore({ db, schema, logger });
    await store.init();
    const batch = roomMessages(200);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.upsertMany(i % 2 ? [...batch].reverse() : batch)),
    );
    expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(200);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(1000);
    expect(results.flatMap((r) => r.conflicts)).toEqual([]);
  });

  test.each([
    ['a quote and a comment', "x' or '1'='1' --"],
    ['a LIKE pattern', '%'],
    ['JSON', '{"$ne": null}'],
  ])(
    'when a room or user id is %s, then it is matched literally and finds nothing',
    async (_l, value) => {
      const store = createPgArchiveStore({ db, schema, logger });
      await store.init();
      await store.upsertMany(roomMessages(5));
      expect((await store.byRoom(value, { limit: 10 })).messages).toEqual([]);
      expect((await store.byUser(value, { limit: 10 })).messages).toEqual([]);
    },
  );
});
