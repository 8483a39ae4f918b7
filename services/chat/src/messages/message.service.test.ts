import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { chatMessageSchema, type ChatMessage, type RoomMember } from '@falablau/common/contracts';
import { createTestChatDb, type TestChatDb } from '../db/test-database.js';
import { createRoomService, type RoomService } from '../rooms/room.service.js';
import { createMessageMetrics, type MessageMetrics } from './message.metrics.js';
import { createMessageService, type MessageService } from './message.service.js';

let database: TestChatDb;
let rooms: RoomService;
let messages: MessageService;
let metrics: MessageMetrics;
const stored: ChatMessage[] = [];

const member = (username: string): RoomMember => ({ userId: randomUUID(), username });

async function newRoom(owner: RoomMember = member('owner')) {
  return rooms.create(owner, { name: `room ${randomUUID()}` });
}

function send(roomId: string, who: RoomMember, text: string, clientMsgId: string = randomUUID()) {
  return messages.send({ roomId, ...who, text, clientMsgId });
}

async function counter(name: 'received' | 'duplicates'): Promise<number> {
  const value = await metrics[name].get();
  return value.values[0]?.value ?? 0;
}

beforeAll(async () => {
  database = await createTestChatDb('chat_messages', 12);
  rooms = createRoomService({ db: database.db, membershipCacheTtlMs: 5_000 });
  metrics = createMessageMetrics(new Registry());
  messages = createMessageService({
    db: database.db,
    metrics,
    afterStore: (message) => stored.push(message),
  });
});

afterAll(async () => {
  await database.drop();
});

describe('MessageService.send', () => {
  test('when a member sends, then the message gets the next seq and matches the wire contract', async () => {
    const alice = member('alice');
    const room = await newRoom(alice);

    const first = await send(room.id, alice, 'hello');
    const second = await send(room.id, alice, 'world');

    expect(first.duplicate).toBe(false);
    expect(chatMessageSchema.parse(first.message)).toEqual(first.message);
    expect(first.message).toMatchObject({
      roomId: room.id,
      seq: 1,
      userId: alice.userId,
      username: 'alice',
      text: 'hello',
    });
    expect(second.message.seq).toBe(2);
    expect((await rooms.get(room.id)).lastSeq).toBe(2);
    expect(stored.slice(-2)).toEqual([first.message, second.message]);
  });

  test('when the same clientMsgId is sent again, then the stored message comes back and no seq is used', async () => {
    const alice = member('alice');
    const room = await newRoom(alice);
    const received = await counter('received');

    const original = await send(room.id, alice, 'once', 'retry-1');
    const retry = await send(room.id, alice, 'once', 'retry-1');
    const next = await send(room.id, alice, 'next');

    expect(retry).toEqual({ message: original.message, duplicate: true });
    expect(next.message.seq).toBe(original.message.seq + 1);
    expect(await counter('received')).toBe(received + 2);
  });

  test('when retries with the same clientMsgId race, then one message is stored and every caller gets it', async () => {
    const alice = member('alice');
    const room = await newRoom(alice);
    // Open every pooled connection first, so that all retries really pass the pre-check together
    // and the losers meet the unique index inside their transaction.
    await Promise.all(
      Array.from({ length: 12 }, () => sql`select pg_sleep(0.05)`.execute(database.db)),
    );

    const results = await Promise.all(
      Array.from({ length: 12 }, () => send(room.id, alice, 'racing', 'race-key')),
    );

    const ids = new Set(results.map((r) => r.message.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    // The losers rolled their seq back: the room has used exactly one.
    expect((await rooms.get(room.id)).lastSeq).toBe(1);
    expect((await send(room.id, alice, 'after')).message.seq).toBe(2);
  });

  test('when two users use the same clientMsgId, then both messages are stored', async () => {
    const alice = member('alice');
    const bob = member('bob');
    const room = await newRoom(alice);
    await rooms.join(room.id, bob);

    const a = await send(room.id, alice, 'a', 'shared');
    const b = await send(room.id, bob, 'b', 'shared');

    expect(a.message.id).not.toBe(b.message.id);
    expect([a.message.seq, b.message.seq]).toEqual([1, 2]);
  });

  test('when a clientMsgId is reused in another room, then 400 VALIDATION_FAILED and nothing is stored', async () => {
    const alice = member('alice');
    const one = await newRoom(alice);
    const two = await newRoom(alice);
    await send(one.id, alice, 'first', 'reused');

    await expect(send(two.id, alice, 'second', 'reused')).rejects.toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
    });
    expect((await rooms.get(two.id)).lastSeq).toBe(0);
  });

  test('when a non-member sends, then 403 NOT_A_MEMBER and no seq is used', async () => {
    const room = await newRoom();
    const mallory = member('mallory');

    await expect(send(room.id, mallory, 'let me in')).rejects.toMatchObject({
      statusCode: 403,
      code: 'NOT_A_MEMBER',
    });
    expect((await rooms.get(room.id)).lastSeq).toBe(0);
    await expect(messages.history(room.id, { limit: 10 })).resolves.toEqual({
      messages: [],
      nextCursor: null,
    });
  });

  test('when a member who left retries a message stored before, then the stored message comes back', async () => {
    const owner = member('owner');
    const room = await newRoom(owner);
    const original = await send(room.id, owner, 'sent before leaving', 'before-leaving');
    await rooms.leave(room.id, owner.userId);

    await expect(send(room.id, owner, 'sent before leaving', 'before-leaving')).resolves.toEqual({
      message: original.message,
      duplicate: true,
    });
    expect((await rooms.get(room.id)).lastSeq).toBe(1);
  });

  test('when a member has left, then their next send is refused even though the cache said member', async () => {
    const owner = member('owner');
    const room = await newRoom(owner);
    const other = createRoomService({ db: database.db, membershipCacheTtlMs: 60_000 });
    await expect(rooms.isMember(room.id, owner.userId)).resolves.toBe(true);
    await other.leave(room.id, owner.userId);

    await expect(send(room.id, owner, 'still here?')).rejects.toMatchObject({
      code: 'NOT_A_MEMBER',
    });
  });

  test.each([
    ['an unknown room', () => randomUUID()],
    ['a malformed room id', () => 'room-1'],
  ])('when the message names %s, then 404 ROOM_NOT_FOUND', async (_label, roomId) => {
    await expect(send(roomId(), member('x'), 'hi')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ROOM_NOT_FOUND',
    });
  });
});

describe('MessageService.send under concurrency', () => {
  test('when 20 senders send 50 messages each to 2 rooms at once, with racing retries, then seqs are gap-free and nothing is duplicated', async () => {
    const senders = Array.from({ length: 20 }, (_, i) => member(`sender${i}`));
    const roomA = await newRoom(senders[0]);
    const roomB = await newRoom(senders[0]);
    for (const s of senders) {
      await rooms.join(roomA.id, s);
      await rooms.join(roomB.id, s);
    }

    const acked: ChatMessage[] = [];
    await Promise.all(
      senders.map(async (sender, s) => {
        for (let i = 0; i < 50; i++) {
          const roomId = (s + i) % 2 === 0 ? roomA.id : roomB.id;
          const clientMsgId = `s${s}-m${i}`;
          // Every fifth message is sent twice at the same moment, as a client retrying on a
          // timeout might; both callers must get the same message.
          const attempts = i % 5 === 0 ? 2 : 1;
          const results = await Promise.all(
            Array.from({ length: attempts }, () => send(roomId, sender, `m${i}`, clientMsgId)),
          );
          expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
          for (const r of results.slice(0, 1)) acked.push(r.message);
        }
      }),
    );

    expect(acked).toHaveLength(1000);
    for (const room of [roomA, roomB]) {
      const inRoom = acked.filter((m) => m.roomId === room.id);
      const seqs = inRoom.map((m) => m.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect((await rooms.get(room.id)).lastSeq).toBe(500);
      // Each sender's messages keep the order in which that sender sent them.
      for (const sender of senders) {
        const own = inRoom.filter((m) => m.userId === sender.userId);
        const order = own.map((m) => Number(m.text.slice(1)));
        const bySeq = [...own].sort((x, y) => x.seq - y.seq).map((m) => Number(m.text.slice(1)));
        expect(bySeq).toEqual(order);
      }
      // What was acked is exactly what is stored.
      const all = await messages.since(room.id, 0, 1000);
      expect(all.hasMore).toBe(false);
      expect(all.messages).toEqual([...inRoom].sort((x, y) => x.seq - y.seq));
    }
  });
});

describe('MessageService.send in batches (group commit)', () => {
  async function twoRooms() {
    const alice = member('alice');
    const bob = member('bob');
    const one = await newRoom(alice);
    const two = await newRoom(bob);
    await rooms.join(one.id, bob);
    await rooms.join(two.id, alice);
    return { alice, bob, one, two };
  }

  const seqsOf = (list: ChatMessage[], roomId: string) =>
    list
      .filter((m) => m.roomId === roomId)
      .map((m) => m.seq)
      .sort((x, y) => x - y);

  test('when many sends arrive at once, then few statements store them, a non-member is refused, seqs stay gap-free', async () => {
    const { alice, bob, one, two } = await twoRooms();
    const mallory = member('mallory');
    const results = await Promise.allSettled([
      ...Array.from({ length: 40 }, (_, i) =>
        send(i % 2 === 0 ? one.id : two.id, i % 3 === 0 ? bob : alice, `b${i}`),
      ),
      send(one.id, mallory, 'let me in'),
    ]);

    const refused = results.pop();
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'NOT_A_MEMBER' } });
    const sent = results.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    expect(sent.every((r) => !r.duplicate)).toBe(true);
    sent.forEach((r, i) => {
      expect(r.message.text).toBe(`b${i}`);
    });
    const messagesSent = sent.map((r) => r.message);
    expect(seqsOf(messagesSent, one.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(seqsOf(messagesSent, two.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Within a room, arrival order is seq order.
    const inOne = messagesSent.filter((m) => m.roomId === one.id);
    expect(inOne.map((m) => m.seq)).toEqual([...inOne.map((m) => m.seq)].sort((x, y) => x - y));
    expect((await rooms.get(one.id)).lastSeq).toBe(20);
    // One statement, one transaction timestamp: 40 messages came in a handful of statements.
    expect(new Set(messagesSent.map((m) => m.createdAt)).size).toBeLessThan(5);
  });

  test('when a retry arrives in a batch, then every sender still gets their own answer and no seq is used twice', async () => {
    const { alice, bob, one, two } = await twoRooms();
    const earlier = await send(one.id, alice, 'earlier', 'batched-retry');
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => send(i % 2 ? one.id : two.id, bob, `r${i}`)),
      send(one.id, alice, 'earlier', 'batched-retry'),
      send(two.id, alice, 'twice', 'twice-in-batch'),
      send(two.id, alice, 'twice', 'twice-in-batch'),
    ]);

    expect(results[10]).toEqual({ message: earlier.message, duplicate: true });
    const [a, b] = [results[11], results[12]];
    expect(a?.message).toEqual(b?.message);
    expect([a?.duplicate, b?.duplicate].sort()).toEqual([false, true]);
    const fresh = results.filter((r) => !r.duplicate).map((r) => r.message);
    expect(seqsOf(fresh, one.id)).toEqual([2, 3, 4, 5, 6]);
    expect(seqsOf(fresh, two.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await rooms.get(one.id)).lastSeq).toBe(6);
    expect((await rooms.get(two.id)).lastSeq).toBe(6);
  });
});

describe('MessageService.history and since', () => {
  let roomId: string;
  const total = 237;

  beforeAll(async () => {
    const author = member('author');
    const room = await newRoom(author);
    roomId = room.id;
    for (let i = 1; i <= total; i++) await send(roomId, author, `message ${i}`);
  });

  test('when paging back with nextCursor, then every message comes exactly once, newest first', async () => {
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await messages.history(roomId, { before, limit: 50 });
      pages += 1;
      seen.push(...page.messages.map((m) => m.seq));
      if (page.nextCursor === null) break;
      before = Number(page.nextCursor);
    }
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => total - i));
  });

  test('when the last page is exactly full, then its nextCursor is null (no empty extra page)', async () => {
    const page = await messages.history(roomId, { before: 101, limit: 100 });
    expect(page.messages).toHaveLength(100);
    expect(page.nextCursor).toBeNull();
  });

  test('when before is 1 or beyond the newest seq, then the page is empty or starts at the newest', async () => {
    await expect(messages.history(roomId, { before: 1, limit: 10 })).resolves.toEqual({
      messages: [],
      nextCursor: null,
    });
    const page = await messages.history(roomId, { before: 10_000, limit: 3 });
    expect(page.messages.map((m) => m.seq)).toEqual([total, total - 1, total - 2]);
    expect(page.nextCursor).toBe(String(total - 2));
  });

  test('when a client asks what it missed, then since returns the newer messages oldest first', async () => {
    const missed = await messages.since(roomId, 230, 5);
    expect(missed.messages.map((m) => m.seq)).toEqual([231, 232, 233, 234, 235]);
    expect(missed.hasMore).toBe(true);
    const rest = await messages.since(roomId, 235, 5);
    expect(rest).toMatchObject({ hasMore: false });
    expect(rest.messages.map((m) => m.seq)).toEqual([236, 237]);
  });

  test('when the room is unknown, then history and since answer 404', async () => {
    await expect(messages.history(randomUUID(), { limit: 10 })).rejects.toMatchObject({
      code: 'ROOM_NOT_FOUND',
    });
    await expect(messages.since(randomUUID(), 0, 10)).rejects.toMatchObject({
      code: 'ROOM_NOT_FOUND',
    });
  });

  test.each([0, -1, 1.5, 1001, Number.NaN])(
    'when the limit is %p, then 400 VALIDATION_FAILED',
    async (limit) => {
      await expect(messages.history(roomId, { limit })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(messages.since(roomId, 0, limit)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    },
  );
});
