import { pino } from 'pino';
import { createLogger } from '@falablau/common';
import { makeMessage, roomMessages } from '../../testing/messages.js';
import { createTestMongo, type TestMongo } from '../../testing/test-mongo.js';
import { describeArchiveStoreContract } from '../archive-store.contract.js';
import { createMongoArchiveStore, type ArchivedDoc } from './mongo-archive-store.js';
import { INDEX_NAMES } from './mongo-indexes.js';

const silent = createLogger({ name: 'archive-test', level: 'silent' });

describeArchiveStoreContract('MongoDB wire (MONGO_URI)', async () => {
  const mongo = await createTestMongo('contract');
  return {
    store: createMongoArchiveStore({ db: mongo.db, ttlDays: 365, logger: silent }),
    dispose: () => mongo.drop(),
  };
});

describe('MongoDB ArchiveStore specifics', () => {
  let mongo: TestMongo;

  beforeEach(async () => {
    mongo = await createTestMongo('mongo');
  });

  afterEach(async () => {
    await mongo.drop();
  });

  test('when initialised, then (roomId, seq) is unique and user history has its index', async () => {
    await createMongoArchiveStore({ db: mongo.db, ttlDays: 30, logger: silent }).init();
    const indexes = await mongo.db.collection('messages').indexes();
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: INDEX_NAMES.roomSeq,
          key: { roomId: 1, seq: 1 },
          unique: true,
        }),
        expect.objectContaining({
          name: INDEX_NAMES.userCreatedAt,
          key: { userId: 1, createdAt: -1, _id: -1 },
        }),
      ]),
    );
  });

  test('when the server can make TTL indexes, then one expires messages after ARCHIVE_TTL_DAYS; when it cannot, then init says so and warns', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const setup = await createMongoArchiveStore({ db: mongo.db, ttlDays: 30, logger }).init();
    const ttl = (await mongo.db.collection('messages').indexes()).find(
      (index) => index.name === INDEX_NAMES.ttl,
    );
    if (setup.nativeExpiry) {
      expect(ttl).toMatchObject({ key: { createdAt: 1 }, expireAfterSeconds: 30 * 86_400 });
      expect(warnings).toEqual([]);
    } else {
      // FerretDB 1.x: "Index option expireAfterSeconds is not implemented yet".
      expect(ttl).toBeUndefined();
      expect(warnings).toEqual([expect.stringContaining('periodic delete')]);
    }
  });

  test('when a message is stored, then _id is its id and createdAt a BSON date', async () => {
    const store = createMongoArchiveStore({ db: mongo.db, ttlDays: 30, logger: silent });
    await store.init();
    const message = makeMessage();
    await store.upsertMany([message]);
    const raw = await mongo.db.collection<ArchivedDoc>('messages').findOne({ _id: message.id });
    expect(raw).toMatchObject({ _id: message.id, roomId: message.roomId, seq: message.seq });
    expect(raw?.createdAt).toBeInstanceOf(Date);
    expect(raw).not.toHaveProperty('id');
  });

  test.each([
    ['an operator as JSON', '{"$ne": null}'],
    ['a regex', '.*'],
    ['a $where body', 'this.seq > 0'],
  ])(
    'when a room or user id is %s, then it is matched literally and finds nothing',
    async (_l, value) => {
      const store = createMongoArchiveStore({ db: mongo.db, ttlDays: 30, logger: silent });
      await store.init();
      await store.upsertMany(roomMessages(5));
      expect((await store.byRoom(value, { limit: 10 })).messages).toEqual([]);
      expect((await store.byUser(value, { limit: 10 })).messages).toEqual([]);
    },
  );
});
