// Whatever a client sends, it gets a contract error (or, above 64 KiB, loses its connection),
// nothing is stored, and the process carries on. Plus the per-user rate limits.
import {
  startChatCluster,
  type ChatCluster,
  type ConnectedClient,
} from '../testing/chat-cluster.js';
import {
  disconnected,
  expectAckError,
  expectOk,
  rawEmit,
  request,
} from '../testing/socket-client.js';
import { settle } from '../testing/timing.js';
import type { TestUser } from '../testing/token-minter.js';
import type { ClientToServerEvents } from '@falablau/common/contracts';

let cluster: ChatCluster;
let owner: TestUser;
let roomId: string;
let foreignRoomId: string;
let me: ConnectedClient;
let meUser: TestUser;

beforeAll(async () => {
  cluster = await startChatCluster({ name: 'chat_bad_input' });
  owner = cluster.minter.user('owner');
  roomId = (await cluster.createRoom(owner)).id;
  foreignRoomId = (await cluster.createRoom(owner)).id;
}, 90_000);

beforeEach(async () => {
  meUser = cluster.minter.user('me');
  me = await cluster.connect(meUser, cluster.process(0));
  expectOk(await request(me.client, 'join_room', { roomId }));
});

afterEach(() => {
  cluster.disconnectClients();
});

afterAll(async () => {
  await cluster.close();
});

const unknownRoom = '00000000-0000-4000-8000-000000000000';
const notObjects: [string, unknown][] = [
  ['nothing', undefined],
  ['null', null],
  ['a string', 'hello'],
  ['a number', 42],
  ['an array', ['a room']],
  ['an empty object', {}],
];

type Case = [label: string, payload: () => unknown, code: string];

const corpus: Record<keyof ClientToServerEvents, Case[]> = {
  join_room: [
    ...notObjects.map(([l, p]): Case => [l, () => p, 'VALIDATION_FAILED']),
    ['a roomId that is not a UUID', () => ({ roomId: 'general' }), 'VALIDATION_FAILED'],
    ['a numeric roomId', () => ({ roomId: 7 }), 'VALIDATION_FAILED'],
    ['a negative afterSeq', () => ({ roomId, afterSeq: -1 }), 'VALIDATION_FAILED'],
    ['a fractional afterSeq', () => ({ roomId, afterSeq: 1.5 }), 'VALIDATION_FAILED'],
    ['a string afterSeq', () => ({ roomId, afterSeq: '3' }), 'VALIDATION_FAILED'],
    ['an extra field', () => ({ roomId, userId: owner.userId }), 'VALIDATION_FAILED'],
    ['an unknown room', () => ({ roomId: unknownRoom }), 'ROOM_NOT_FOUND'],
  ],
  leave_room: [
    ...notObjects.map(([l, p]): Case => [l, () => p, 'VALIDATION_FAILED']),
    ['a roomId that is not a UUID', () => ({ roomId: '../rooms' }), 'VALIDATION_FAILED'],
    ['an extra field', () => ({ roomId, userId: owner.userId }), 'VALIDATION_FAILED'],
    ['an unknown room', () => ({ roomId: unknownRoom }), 'ROOM_NOT_FOUND'],
    ['a room one is not a member of', () => ({ roomId: foreignRoomId }), 'NOT_A_MEMBER'],
  ],
  send_message: [
    ...notObjects.map(([l, p]): Case => [l, () => p, 'VALIDATION_FAILED']),
    ['no text', () => ({ roomId, clientMsgId: 'c1' }), 'VALIDATION_FAILED'],
    ['no clientMsgId', () => ({ roomId, text: 'hi' }), 'VALIDATION_FAILED'],
    ['a numeric text', () => ({ roomId, text: 5, clientMsgId: 'c1' }), 'VALIDATION_FAILED'],
    ['a blank text', () => ({ roomId, text: '   ', clientMsgId: 'c1' }), 'VALIDATION_FAILED'],
    [
      'a text over 4000 characters',
      () => ({ roomId, text: 'x'.repeat(4001), clientMsgId: 'c1' }),
      'VALIDATION_FAILED',
    ],
    [
      'a clientMsgId with spaces',
      () => ({ roomId, text: 'hi', clientMsgId: 'a b' }),
      'VALIDATION_FAILED',
    ],
    [
      'a clientMsgId over 64 characters',
      () => ({ roomId, text: 'hi', clientMsgId: 'c'.repeat(65) }),
      'VALIDATION_FAILED',
    ],
    [
      "someone else's userId",
      () => ({ roomId, text: 'hi', clientMsgId: 'c1', userId: owner.userId }),
      'VALIDATION_FAILED',
    ],
    [
      'a forged username',
      () => ({ roomId, text: 'hi', clientMsgId: 'c1', username: 'admin' }),
      'VALIDATION_FAILED',
    ],
    [
      'an unknown room',
      () => ({ roomId: unknownRoom, text: 'hi', clientMsgId: 'c1' }),
      'ROOM_NOT_FOUND',
    ],
    [
      'a room one is not a member of',
      () => ({ roomId: foreignRoomId, text: 'hi', clientMsgId: 'c1' }),
      'NOT_A_MEMBER',
    ],
  ],
  typing: [
    ...notObjects.map(([l, p]): Case => [l, () => p, 'VALIDATION_FAILED']),
    ['no isTyping', () => ({ roomId }), 'VALIDATION_FAILED'],
    ['a string isTyping', () => ({ roomId, isTyping: 'yes' }), 'VALIDATION_FAILED'],
    ['an extra field', () => ({ roomId, isTyping: true, text: 'x' }), 'VALIDATION_FAILED'],
    ['an unknown room', () => ({ roomId: unknownRoom, isTyping: true }), 'ROOM_NOT_FOUND'],
    [
      'a room one is not a member of',
      () => ({ roomId: foreignRoomId, isTyping: true }),
      'NOT_A_MEMBER',
    ],
  ],
};

const cases = Object.entries(corpus).flatMap(([event, list]) =>
  list.map(([label, payload, code]) => ({
    event: event as keyof ClientToServerEvents,
    label,
    payload,
    code,
  })),
);

describe('bad input', () => {
  test.each(cases)(
    'when $event gets $label, then the ack is $code',
    async ({ event, payload, code }) => {
      const message = expectAckError(await request(me.client, event, payload()), code);
      expect(message.length).toBeGreaterThan(0);
      expect(message.length).toBeLessThanOrEqual(500);
    },
  );

  test('when all that is over, then nothing was stored and nobody joined anything', async () => {
    // Runs after the corpus (jest keeps order within a file).
    expect(await cluster.query('select id from messages')).toEqual([]);
    const members = await cluster.query<{ room_id: string; user_id: string }>(
      'select room_id, user_id from room_members where room_id = $1',
      [foreignRoomId],
    );
    expect(members).toEqual([{ room_id: foreignRoomId, user_id: owner.userId }]);
  });

  test('when events come without an ack callback, then nothing breaks and the socket still works', async () => {
    rawEmit(me.client, 'join_room', { roomId: 'nope' });
    rawEmit(me.client, 'send_message', { roomId, text: 'no ack wanted', clientMsgId: 'no-ack' });
    rawEmit(me.client, 'typing');
    rawEmit(me.client, 'leave_room', { roomId: foreignRoomId }, 'not a callback');
    rawEmit(me.client, 'no_such_event', { x: 1 });
    await settle(300);
    expect(me.client.connected).toBe(true);
    const ack = expectOk(
      await request(me.client, 'send_message', {
        roomId,
        text: 'still fine',
        clientMsgId: 'after',
      }),
    );
    // The message sent without a callback is stored like any other (the ack is optional).
    expect(ack.message.seq).toBe(2);
  });

  test('when a payload is larger than 64 KiB, then the connection is closed and nothing is stored', async () => {
    const before = await cluster.query('select id from messages');
    const gone = disconnected(me.client, 5_000);
    rawEmit(me.client, 'send_message', {
      roomId,
      text: 'x'.repeat(70 * 1024),
      clientMsgId: 'huge',
    });
    expect(await gone).toBe('transport close');
    await settle(200);
    expect(await cluster.query('select id from messages')).toEqual(before);
    // The process is fine.
    const again = await cluster.connect(meUser, cluster.process(0));
    expectOk(await request(again.client, 'join_room', { roomId }));
  });

  test('when a clientMsgId is reused for another room, then the send is refused', async () => {
    const other = await cluster.createRoom(meUser);
    expectOk(await request(me.client, 'send_message', { roomId, text: 'a', clientMsgId: 'reuse' }));
    const refused = await request(me.client, 'send_message', {
      roomId: other.id,
      text: 'b',
      clientMsgId: 'reuse',
    });
    expectAckError(refused, 'VALIDATION_FAILED');
  });

  test("when someone else's clientMsgId is used, then it is a new message of one's own", async () => {
    const theirs = expectOk(
      await request(me.client, 'send_message', { roomId, text: 'mine', clientMsgId: 'shared-id' }),
    );
    const other = cluster.minter.user('other');
    const o = await cluster.connect(other, cluster.process(1));
    expectOk(await request(o.client, 'join_room', { roomId }));
    const ours = expectOk(
      await request(o.client, 'send_message', { roomId, text: 'ours', clientMsgId: 'shared-id' }),
    );
    expect(ours.message.id).not.toBe(theirs.message.id);
    expect(ours.message).toMatchObject({ userId: other.userId, text: 'ours' });
  });
});

describe('rate limits', () => {
  test('when a user sends more than 20 messages in 10 s, even across processes, then the rest are RATE_LIMITED', async () => {
    const second = await cluster.connect(meUser, cluster.process(1));
    const acks = [];
    for (let i = 0; i < 24; i += 1) {
      const client = i % 2 === 0 ? me.client : second.client;
      acks.push(
        await request(client, 'send_message', { roomId, text: `m${i}`, clientMsgId: `rl-${i}` }),
      );
    }
    expect(acks.filter((a) => a.ok)).toHaveLength(20);
    const limited = acks.filter((a) => !a.ok);
    expect(limited).toHaveLength(4);
    expect(limited[0]).toMatchObject({
      ok: false,
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/Too many messages: try again in \d+ s/) as string,
      },
    });
    const stored = await cluster.query('select id from messages where user_id = $1', [
      meUser.userId,
    ]);
    expect(stored).toHaveLength(20);
  });

  test('when a user sends more than 10 typing events in 5 s, then the rest are RATE_LIMITED', async () => {
    const acks = [];
    for (let i = 0; i < 12; i += 1) {
      acks.push(await request(me.client, 'typing', { roomId, isTyping: i % 2 === 0 }));
    }
    // join_room in beforeEach does not count: joins have their own budget.
    expect(acks.slice(0, 10).every((a) => a.ok)).toBe(true);
    expect(acks.slice(10).map((a) => (a.ok ? 'ok' : a.error.code))).toEqual([
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
  });

  test('when a user joins more than 30 times in 10 s, then the rest are RATE_LIMITED', async () => {
    const acks = [];
    for (let i = 0; i < 31; i += 1) acks.push(await request(me.client, 'join_room', { roomId }));
    // One join was spent in beforeEach.
    expect(acks.filter((a) => a.ok)).toHaveLength(29);
    expect(acks.at(-1)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });
});
