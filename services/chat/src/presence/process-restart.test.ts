// A chat process SIGKILLed and started again under the SAME INSTANCE_ID (a pod whose container
// restarted keeps its name) is ready within seconds, and its presence and revocation consumers
// work. Before own-group.ts it joined the groups its dead predecessor still held and waited for
// that member's Kafka session to expire (30 s) first: found by make test-faults (chat-kill).
import { startChatCluster, type ChatCluster } from '../testing/chat-cluster.js';
import { expectOk, request } from '../testing/socket-client.js';

let cluster: ChatCluster;

beforeAll(async () => {
  cluster = await startChatCluster({ name: 'chat_restart', processes: 1 });
}, 90_000);

afterEach(() => {
  cluster.disconnectClients();
});

afterAll(async () => {
  await cluster.close();
});

test('when a process is killed and started again under its name, then it is ready in seconds and sees presence', async () => {
  const instanceId = `chat-restart-${Date.now()}`;
  const first = await cluster.startProcess({ instanceId });
  await first.kill();

  const restartedAt = Date.now();
  // The Kafka session timeout is the default 30 s: waiting for it would exceed this bound.
  const again = await cluster.startProcess({ instanceId });
  const readyAfterMs = Date.now() - restartedAt;
  expect(readyAfterMs).toBeLessThan(15_000);

  // Its presence consumer works: a user on the first process is online for a client here.
  const alice = cluster.minter.user('alice');
  const room = await cluster.createRoom(alice);
  await cluster.connect(alice, cluster.process(0));
  const bob = cluster.minter.user('bob');
  const b = await cluster.connect(bob, again);
  const joined = expectOk(await request(b.client, 'join_room', { roomId: room.id }));
  expect(joined.online.map((m) => m.userId).sort()).toEqual([alice.userId, bob.userId].sort());
  await again.stop();
}, 60_000);
