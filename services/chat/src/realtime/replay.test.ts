// "Acknowledged means never lost": a client that was away (network drop, its process killed)
// rejoins with the last seq it saw and gets exactly what it missed, from whichever process.
import type { ChatMessage } from '@falablau/common/contracts';
import { startChatCluster, type ChatCluster } from '../testing/chat-cluster.js';
import { expectOk, request, type ChatClient } from '../testing/socket-client.js';
import { defined } from '../testing/timing.js';
import { MAX_MISSED } from './room.handlers.js';

let cluster: ChatCluster;

beforeAll(async () => {
  cluster = await startChatCluster({ name: 'chat_rt_replay' });
}, 90_000);

afterEach(() => {
  cluster.disconnectClients();
});

afterAll(async () => {
  await cluster.close();
});

async function send(client: ChatClient, roomId: string, texts: string[]): Promise<ChatMessage[]> {
  const sent: ChatMessage[] = [];
  for (const text of texts) {
    const ack = expectOk(
      await request(client, 'send_message', { roomId, text, clientMsgId: crypto.randomUUID() }),
    );
    sent.push(ack.message);
  }
  return sent;
}

describe('replay with afterSeq', () => {
  test('when a client reconnects with afterSeq, then it gets exactly the messages it missed, oldest first', async () => {
    const alice = cluster.minter.user('alice');
    const bob = cluster.minter.user('bob');
    const room = await cluster.createRoom(alice);
    const a = await cluster.connect(alice, cluster.process(0));
    expectOk(await request(a.client, 'join_room', { roomId: room.id }));
    const b = await cluster.connect(bob, cluster.process(1));
    expectOk(await request(b.client, 'join_room', { roomId: room.id }));

    const seen = await send(a.client, room.id, ['one', 'two']);
    await b.events.next('message', (m) => m.seq === 2);
    b.client.disconnect();

    const missed = await send(a.client, room.id, ['three', 'four', 'five']);
    // Back, on the other process this time.
    const back = await cluster.connect(bob, cluster.process(0));
    const rejoined = expectOk(
      await request(back.client, 'join_room', {
        roomId: room.id,
        afterSeq: defined(seen.at(-1), 'a sent message').seq,
      }),
    );
    expect(rejoined.missed).toEqual(missed);
    expect(rejoined.hasMoreMissed).toBe(false);
    expect(rejoined.room.lastSeq).toBe(5);

    // afterSeq 0 is "everything"; afterSeq = lastSeq is "nothing".
    const all = expectOk(await request(back.client, 'join_room', { roomId: room.id, afterSeq: 0 }));
    expect(all.missed.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    const none = expectOk(
      await request(back.client, 'join_room', { roomId: room.id, afterSeq: 5 }),
    );
    expect(none.missed).toEqual([]);
  });

  test('when more than one ack can carry were missed, then hasMoreMissed asks for another join', async () => {
    const alice = cluster.minter.user('alice');
    const room = await cluster.createRoom(alice);
    const total = MAX_MISSED + 5;
    // Stored directly: the rate limit (rightly) keeps one client from sending a thousand.
    await cluster.query(
      `insert into messages (room_id, seq, user_id, username, text, client_msg_id, published_at)
       select $1, n, $2, $3, 'bulk ' || n, 'bulk-' || n, now() from generate_series(1, $4) n`,
      [room.id, alice.userId, alice.username, total],
    );
    await cluster.query('update rooms set last_seq = $2 where id = $1', [room.id, total]);

    const a = await cluster.connect(alice, cluster.process(1));
    const page = expectOk(await request(a.client, 'join_room', { roomId: room.id, afterSeq: 0 }));
    expect(page.missed).toHaveLength(MAX_MISSED);
    expect(page.missed[0]?.seq).toBe(1);
    expect(page.missed.at(-1)?.seq).toBe(MAX_MISSED);
    expect(page.hasMoreMissed).toBe(true);
    const rest = expectOk(
      await request(a.client, 'join_room', { roomId: room.id, afterSeq: MAX_MISSED }),
    );
    expect(rest.missed.map((m) => m.seq)).toEqual([1001, 1002, 1003, 1004, 1005]);
    expect(rest.hasMoreMissed).toBe(false);
  });

  test('when a process is killed, then its clients reconnect to the other and lose nothing acknowledged', async () => {
    const victim = await cluster.startProcess();
    const survivor = cluster.process(0);
    const alice = cluster.minter.user('alice');
    const bob = cluster.minter.user('bob');
    const room = await cluster.createRoom(alice);
    const a = await cluster.connect(alice, survivor);
    expectOk(await request(a.client, 'join_room', { roomId: room.id }));
    const b = await cluster.connect(bob, victim);
    expectOk(await request(b.client, 'join_room', { roomId: room.id }));

    // Bob's own messages: acknowledged by the process about to die.
    const bobs = await send(b.client, room.id, ['b1', 'b2', 'b3']);
    await victim.kill();
    expect(victim.exited).toBe(true);

    // While bob is away, alice (on the survivor) keeps talking.
    const missed = await send(a.client, room.id, ['a1', 'a2', 'a3', 'a4']);

    const back = await cluster.connect(bob, survivor);
    const rejoined = expectOk(
      await request(back.client, 'join_room', {
        roomId: room.id,
        afterSeq: defined(bobs.at(-1), 'a sent message').seq,
      }),
    );
    expect(rejoined.missed).toEqual(missed);
    // Everything the killed process acknowledged is there.
    const everything = expectOk(
      await request(back.client, 'join_room', { roomId: room.id, afterSeq: 0 }),
    );
    expect(everything.missed).toEqual([...bobs, ...missed]);
  }, 60_000);
});
