// Two real chat processes (node dist/main.js) on the test Postgres, Redis and Kafka, with a
// socket.io client on each: what one sends, the other receives, whichever process it is on.
import { startChatCluster, type ChatCluster } from '../testing/chat-cluster.js';
import { settle } from '../testing/timing.js';
import { expectOk, request } from '../testing/socket-client.js';

let cluster: ChatCluster;

beforeAll(async () => {
  cluster = await startChatCluster({ name: 'chat_rt_cluster' });
}, 90_000);

afterEach(() => {
  cluster.disconnectClients();
});

afterAll(async () => {
  await cluster.close();
});

const first = () => cluster.process(0);
const second = () => cluster.process(1);

async function twoMembers() {
  const alice = cluster.minter.user('alice');
  const bob = cluster.minter.user('bob');
  const room = await cluster.createRoom(alice);
  const a = await cluster.connect(alice, first());
  const b = await cluster.connect(bob, second());
  expectOk(await request(a.client, 'join_room', { roomId: room.id }));
  expectOk(await request(b.client, 'join_room', { roomId: room.id }));
  return { alice, bob, room, a, b };
}

describe('two chat processes', () => {
  test('when clients on different processes share a room, then messages flow both ways', async () => {
    const { alice, bob, room, a, b } = await twoMembers();

    const toBob = expectOk(
      await request(a.client, 'send_message', {
        roomId: room.id,
        text: ' hi bob ',
        clientMsgId: 'a-1',
      }),
    );
    expect(toBob.message).toMatchObject({
      roomId: room.id,
      seq: 1,
      text: 'hi bob',
      userId: alice.userId,
      username: alice.username,
    });
    expect(await b.events.next('message')).toEqual(toBob.message);

    const toAlice = expectOk(
      await request(b.client, 'send_message', {
        roomId: room.id,
        text: 'hi alice',
        clientMsgId: 'b-1',
      }),
    );
    expect(toAlice.message).toMatchObject({ seq: 2, userId: bob.userId });
    expect(await a.events.next('message')).toEqual(toAlice.message);

    // Senders have their message from the ack; it is not pushed back to them.
    await settle(200);
    expect(a.events.all('message')).toEqual([toAlice.message]);
    expect(b.events.all('message')).toEqual([toBob.message]);

    // Each process timed its one delivery (the fan-out latency the chart's alert watches).
    for (const process of [first(), second()]) {
      const metrics = await (await fetch(`${process.url}/metrics`)).text();
      expect(metrics).toMatch(/^chat_message_fanout_seconds_count{service="chat"} 1$/m);
    }
  });

  test('when a send is retried with the same clientMsgId, then it is acked again but not re-broadcast', async () => {
    const { room, a, b } = await twoMembers();
    const payload = { roomId: room.id, text: 'once', clientMsgId: 'retry-1' };
    const original = expectOk(await request(a.client, 'send_message', payload));
    const retry = expectOk(await request(a.client, 'send_message', payload));
    expect(retry.message).toEqual(original.message);
    await b.events.next('message');
    await settle(300);
    expect(b.events.all('message')).toHaveLength(1);
    const rows = await cluster.query('select id from messages where room_id = $1', [room.id]);
    expect(rows).toHaveLength(1);
  });

  test('when a member types, then the others see it across processes, throttled, and the typist does not', async () => {
    const { alice, room, a, b } = await twoMembers();
    for (let i = 0; i < 3; i += 1) {
      expectOk(await request(a.client, 'typing', { roomId: room.id, isTyping: true }));
    }
    expect(await b.events.next('typing')).toEqual({
      roomId: room.id,
      userId: alice.userId,
      username: alice.username,
      isTyping: true,
    });
    expectOk(await request(a.client, 'typing', { roomId: room.id, isTyping: false }));
    await b.events.next('typing', (t) => !t.isTyping);
    await settle(200);
    // Three "typing" within the throttle interval are one; "stopped" always goes through.
    expect(b.events.all('typing').map((t) => t.isTyping)).toEqual([true, false]);
    expect(a.events.all('typing')).toEqual([]);
    // Never stored.
    expect(await cluster.query('select id from messages where room_id = $1', [room.id])).toEqual(
      [],
    );
  });

  test('when someone joins and leaves, then members on the other process are told', async () => {
    const alice = cluster.minter.user('alice');
    const carol = cluster.minter.user('carol');
    const room = await cluster.createRoom(alice);
    const a = await cluster.connect(alice, first());
    expectOk(await request(a.client, 'join_room', { roomId: room.id }));

    const c = await cluster.connect(carol, second());
    const joined = expectOk(await request(c.client, 'join_room', { roomId: room.id }));
    expect(joined.room).toMatchObject({ id: room.id, memberCount: 2, onlineCount: 2, lastSeq: 0 });
    expect(joined.online.map((m) => m.userId).sort()).toEqual([alice.userId, carol.userId].sort());
    expect(joined).toMatchObject({ missed: [], hasMoreMissed: false });
    expect(await a.events.next('user_joined')).toEqual({
      roomId: room.id,
      userId: carol.userId,
      username: carol.username,
    });

    // A re-join (a reconnect) is not news.
    expectOk(await request(c.client, 'join_room', { roomId: room.id }));

    // Carol's second tab, on the first process, is in the room too until she leaves.
    const c2 = await cluster.connect(cluster.minter.newSession(carol), first());
    expectOk(await request(c2.client, 'join_room', { roomId: room.id }));

    expectOk(await request(c.client, 'leave_room', { roomId: room.id }));
    expect(await a.events.next('user_left')).toEqual({
      roomId: room.id,
      userId: carol.userId,
      username: carol.username,
    });
    expect(a.events.all('user_joined')).toHaveLength(1);

    // After leaving, none of carol's sockets receive the room any more, on any process.
    await settle(200);
    expectOk(
      await request(a.client, 'send_message', { roomId: room.id, text: 'bye', clientMsgId: 'x' }),
    );
    await settle(300);
    expect(c.events.all('message')).toEqual([]);
    expect(c2.events.all('message')).toEqual([]);
    // And sending needs a membership again.
    const refused = await request(c2.client, 'send_message', {
      roomId: room.id,
      text: 'still here?',
      clientMsgId: 'y',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_A_MEMBER' } });
  });

  test('when a user connects on one process, then room members on the other see them online and then offline', async () => {
    const alice = cluster.minter.user('alice');
    const dave = cluster.minter.user('dave');
    const room = await cluster.createRoom(alice);
    const a = await cluster.connect(alice, first());
    expectOk(await request(a.client, 'join_room', { roomId: room.id }));
    // Dave becomes a member, then goes away and comes back later on the other process.
    const d1 = await cluster.connect(dave, first());
    expectOk(await request(d1.client, 'join_room', { roomId: room.id }));
    d1.client.disconnect();
    await a.events.next('presence', (p) => p.userId === dave.userId && p.status === 'offline');
    a.events.clear();

    const d2 = await cluster.connect(dave, second());
    expect(
      await a.events.next('presence', (p) => p.userId === dave.userId && p.status === 'online'),
    ).toEqual({ userId: dave.userId, username: dave.username, status: 'online' });

    // The REST API on the first process counts dave (connected to the second) as online.
    const res = await fetch(`${first().url}/rooms/${room.id}`, {
      headers: { authorization: `Bearer ${await cluster.minter.mint(alice)}` },
    });
    expect(await res.json()).toMatchObject({ memberCount: 2, onlineCount: 2 });

    d2.client.disconnect();
    await a.events.next('presence', (p) => p.userId === dave.userId && p.status === 'offline');
  });
});
