// The behaviour every ArchiveStore must have, as one suite: each implementation's test file calls
// `describeArchiveStoreContract` with a factory of empty stores. Nothing here knows which database
// is underneath, so the standalone mode's Postgres store can run it unchanged.
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@falablau/common/contracts';
import { makeMessage, roomMessages } from '../testing/messages.js';
import type { ArchiveStore, UserPosition } from './archive-store.js';

export interface StoreUnderTest {
  store: ArchiveStore;
  dispose(): Promise<void>;
}

const ids = (messages: ChatMessage[]) => messages.map((m) => m.id);
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** Pages through a room with the seq cursor; every page's messages, in order. */
async function allOfRoom(store: ArchiveStore, roomId: string, limit: number) {
  const pages: ChatMessage[][] = [];
  let beforeSeq: number | undefined;
  for (;;) {
    const { messages, hasMore } = await store.byRoom(roomId, { limit, beforeSeq });
    pages.push(messages);
    const last = messages.at(-1);
    if (!hasMore || !last) return pages;
    beforeSeq = last.seq;
  }
}

async function allOfUser(store: ArchiveStore, userId: string, limit: number) {
  const all: ChatMessage[] = [];
  let before: UserPosition | undefined;
  for (;;) {
    const { messages, hasMore } = await store.byUser(userId, { limit, before });
    all.push(...messages);
    const last = messages.at(-1);
    if (!hasMore || !last) return all;
    before = { createdAt: new Date(last.createdAt), id: last.id };
  }
}

export function describeArchiveStoreContract(
  name: string,
  createStore: () => Promise<StoreUnderTest>,
): void {
  describe(`ArchiveStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ArchiveStore;

    beforeEach(async () => {
      subject = await createStore();
      store = subject.store;
      await store.init();
    });

    afterEach(async () => {
      await subject.dispose();
    });

    test('when init runs twice, then the second run succeeds too (idempotent)', async () => {
      await expect(store.init()).resolves.toHaveProperty('nativeExpiry');
      await expect(store.ready()).resolves.toBeUndefined();
    });

    test('when a batch is stored, then every field comes back as sent, createdAt in UTC', async () => {
      const message = makeMessage({
        text: 'olá 👋 {"$gt": ""}',
        createdAt: '2025-03-01T12:30:00.250+02:00',
      });
      expect(await store.upsertMany([message])).toEqual({
        inserted: 1,
        duplicates: 0,
        conflicts: [],
      });
      const { messages } = await store.byRoom(message.roomId, { limit: 10 });
      expect(messages).toEqual([{ ...message, createdAt: '2025-03-01T10:30:00.250Z' }]);
    });

    test('when the same batch is stored again, then nothing is doubled and all are duplicates', async () => {
      const batch = roomMessages(50);
      expect(await store.upsertMany(batch)).toMatchObject({ inserted: 50, duplicates: 0 });
      expect(await store.upsertMany(batch)).toEqual({ inserted: 0, duplicates: 50, conflicts: [] });
      const [first] = batch;
      const { messages } = await store.byRoom(first?.roomId ?? '', { limit: 200 });
      expect(messages).toHaveLength(50);
    });

    test('when a batch overlaps what is archived, then only the new messages are inserted', async () => {
      const batch = roomMessages(30);
      await store.upsertMany(batch.slice(0, 20));
      expect(await store.upsertMany(batch.slice(10))).toEqual({
        inserted: 10,
        duplicates: 10,
        conflicts: [],
      });
    });

    test('when a batch holds the same id twice, then it is stored once', async () => {
      const message = makeMessage();
      expect(await store.upsertMany([message, message, { ...message, text: 'changed' }])).toEqual({
        inserted: 1,
        duplicates: 2,
        conflicts: [],
      });
      expect((await store.byRoom(message.roomId, { limit: 10 })).messages).toEqual([message]);
    });

    test('when a stored id is sent again with other content, then the first version stays', async () => {
      const message = makeMessage();
      await store.upsertMany([message]);
      await store.upsertMany([{ ...message, text: 'tampered' }]);
      expect((await store.byRoom(message.roomId, { limit: 10 })).messages[0]?.text).toBe('hello');
    });

    test('when another id claims a stored (roomId, seq), then it is a conflict and the rest of the batch is stored', async () => {
      const [a, b, c] = roomMessages(3);
      if (!a || !b || !c) throw new Error('fixture');
      await store.upsertMany([a]);
      const impostor = makeMessage({ roomId: a.roomId, seq: a.seq, text: 'impostor' });
      const result = await store.upsertMany([b, impostor, a, c]);
      expect(result).toEqual({ inserted: 2, duplicates: 1, conflicts: [impostor] });
      const { messages } = await store.byRoom(a.roomId, { limit: 10 });
      expect(ids(messages)).toEqual(ids([c, b, a]));
    });

    test('when a room is read, then it comes newest first by seq, only that room', async () => {
      const room = roomMessages(5, { firstSeq: 10 });
      await store.upsertMany([...room, ...roomMessages(3)].reverse());
      const { messages, hasMore } = await store.byRoom(room[0]?.roomId ?? '', { limit: 10 });
      expect(messages.map((m) => m.seq)).toEqual([14, 13, 12, 11, 10]);
      expect(hasMore).toBe(false);
    });

    test('when a room is paged with the seq cursor, then each message comes exactly once', async () => {
      const room = roomMessages(95);
      await store.upsertMany(room);
      const pages = await allOfRoom(store, room[0]?.roomId ?? '', 10);
      expect(pages).toHaveLength(10);
      expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
      expect(pages.flat().map((m) => m.seq)).toEqual(room.map((m) => m.seq).reverse());
    });

    test('when newer messages arrive between pages, then the cursor still continues where it was', async () => {
      const room = roomMessages(30);
      const roomId = room[0]?.roomId ?? '';
      await store.upsertMany(room);
      const first = await store.byRoom(roomId, { limit: 10 });
      await store.upsertMany(roomMessages(5, { roomId, firstSeq: 31 }));
      const second = await store.byRoom(roomId, {
        limit: 10,
        beforeSeq: first.messages.at(-1)?.seq,
      });
      expect(second.messages.map((m) => m.seq)).toEqual([20, 19, 18, 17, 16, 15, 14, 13, 12, 11]);
    });

    test('when afterSeq is given, then only later messages come, still newest first', async () => {
      const room = roomMessages(10);
      await store.upsertMany(room);
      const { messages } = await store.byRoom(room[0]?.roomId ?? '', { limit: 10, afterSeq: 7 });
      expect(messages.map((m) => m.seq)).toEqual([10, 9, 8]);
    });

    test('when skip is given (page mode), then it matches the cursor pages', async () => {
      const room = roomMessages(25);
      const roomId = room[0]?.roomId ?? '';
      await store.upsertMany(room);
      const third = await store.byRoom(roomId, { limit: 10, skip: 20 });
      expect(third.messages.map((m) => m.seq)).toEqual([5, 4, 3, 2, 1]);
      expect(third.hasMore).toBe(false);
      expect((await store.byRoom(roomId, { limit: 10, skip: 10 })).hasMore).toBe(true);
    });

    test('when a period is given, then start is inclusive and end exclusive, for rooms and users', async () => {
      const userId = randomUUID();
      const from = new Date('2025-01-01T00:00:00.000Z');
      const room = roomMessages(10, { userIds: [userId], from, stepMs: 60_000 });
      await store.upsertMany(room);
      const start = new Date('2025-01-01T00:02:00.000Z');
      const end = new Date('2025-01-01T00:05:00.000Z');
      const byRoom = await store.byRoom(room[0]?.roomId ?? '', { limit: 50, start, end });
      expect(byRoom.messages.map((m) => m.seq)).toEqual([5, 4, 3]);
      const byUser = await store.byUser(userId, { limit: 50, start, end });
      expect(byUser.messages.map((m) => m.seq)).toEqual([5, 4, 3]);
      const onlyStart = await store.byRoom(room[0]?.roomId ?? '', { limit: 50, start: end });
      expect(onlyStart.messages.map((m) => m.seq)).toEqual([10, 9, 8, 7, 6]);
      const onlyEnd = await store.byUser(userId, { limit: 50, end: start });
      expect(onlyEnd.messages.map((m) => m.seq)).toEqual([2, 1]);
    });

    test('when a user is read, then their messages from every room come newest first', async () => {
      const userId = randomUUID();
      const a = roomMessages(3, { userIds: [userId], from: minutesAgo(30), stepMs: 2_000 });
      const b = roomMessages(3, { userIds: [userId], from: minutesAgo(29), stepMs: 2_000 });
      await store.upsertMany([...a, ...b, ...roomMessages(4)]);
      const { messages } = await store.byUser(userId, { limit: 10 });
      expect(ids(messages)).toEqual(
        ids(
          [...a, ...b].sort(
            (x, y) => Date.parse(y.createdAt) - Date.parse(x.createdAt) || (x.id < y.id ? 1 : -1),
          ),
        ),
      );
    });

    test('when many of a user’s messages share one timestamp, then the id breaks the tie and paging loses none', async () => {
      const userId = randomUUID();
      const sameInstant = roomMessages(23, { userIds: [userId], stepMs: 0 });
      const later = roomMessages(7, { userIds: [userId], from: minutesAgo(1), stepMs: 0 });
      await store.upsertMany([...sameInstant, ...later]);
      const all = await allOfUser(store, userId, 4);
      expect(all).toHaveLength(30);
      expect(new Set(ids(all)).size).toBe(30);
      expect(ids(all.slice(0, 7))).toEqual(ids(later).sort().reverse());
      expect(ids(all.slice(7))).toEqual(ids(sameInstant).sort().reverse());
    });

    test('when deleting older than a cutoff, then only strictly older messages go, and the count says so', async () => {
      const cutoff = new Date('2025-06-01T00:00:00.000Z');
      const old = makeMessage({ createdAt: '2025-05-31T23:59:59.999Z' });
      const boundary = makeMessage({ createdAt: cutoff.toISOString() });
      const recent = makeMessage({ createdAt: '2025-06-02T00:00:00.000Z' });
      await store.upsertMany([old, boundary, recent]);
      expect(await store.deleteOlderThan(cutoff)).toBe(1);
      expect(await store.deleteOlderThan(cutoff)).toBe(0);
      expect((await store.byRoom(old.roomId, { limit: 5 })).messages).toEqual([]);
      expect((await store.byRoom(boundary.roomId, { limit: 5 })).messages).toHaveLength(1);
      // A deleted message may be archived again (e.g. a late redelivery): it is new again.
      expect(await store.upsertMany([old])).toMatchObject({ inserted: 1 });
    });

    test('when nothing matches, then the slice is empty without more', async () => {
      expect(await store.byRoom(randomUUID(), { limit: 10 })).toEqual({
        messages: [],
        hasMore: false,
      });
      expect(await store.byUser(randomUUID(), { limit: 10 })).toEqual({
        messages: [],
        hasMore: false,
      });
    });
  });
}
