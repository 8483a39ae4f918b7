// Logout reaches every chat process: a `session.revoked` event on auth.sessions.v1 (published
// here as auth-service does) closes that session's sockets on both processes within 2 s, leaves
// the user's other sessions alone, and the session's still-unexpired token is refused afterwards.
import {
  authSessionsTopic,
  createKafkaEventBus,
  createLogger,
  type EventBus,
} from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import { startChatCluster, type ChatCluster } from '../testing/chat-cluster.js';
import { ConnectRefused, disconnected, request } from '../testing/socket-client.js';
import { settle } from '../testing/timing.js';

let cluster: ChatCluster;
let bus: EventBus;

beforeAll(async () => {
  cluster = await startChatCluster({ name: 'chat_revocation' });
  bus = createKafkaEventBus({
    brokers: [requireServer('KAFKA_BOOTSTRAP_SERVERS')],
    clientId: 'chat-revocation-test',
    logger: createLogger({ name: 'revocation-test', level: 'warn' }),
  });
}, 90_000);

afterEach(() => {
  cluster.disconnectClients();
});

afterAll(async () => {
  await bus.close();
  await cluster.close();
});

describe('session revocation', () => {
  test('when a session is revoked, then its sockets on every process close within 2 s', async () => {
    const laptop = cluster.minter.user('alice');
    const phone = cluster.minter.newSession(laptop);
    const p0 = cluster.process(0);
    const p1 = cluster.process(1);
    const onFirst = await cluster.connect(laptop, p0);
    const onSecond = await cluster.connect(laptop, p1);
    const other = await cluster.connect(phone, p0);
    const revokedToken = await cluster.minter.mint(laptop);

    const revokedAt = Date.now();
    await bus.publish(
      authSessionsTopic,
      'session.revoked',
      {
        sessionId: laptop.sessionId,
        userId: laptop.userId,
        reason: 'logout',
        revokedAt: new Date().toISOString(),
      },
      { key: laptop.sessionId },
    );
    const reasons = await Promise.all([
      disconnected(onFirst.client, 2_000),
      disconnected(onSecond.client, 2_000),
    ]);
    const elapsed = Date.now() - revokedAt;
    expect(elapsed).toBeLessThan(2_000);
    // Closed by the server: socket.io-client does not reconnect on its own.
    expect(reasons).toEqual(['io server disconnect', 'io server disconnect']);

    // The phone's session was not revoked.
    await settle(300);
    expect(other.client.connected).toBe(true);
    expect(
      await request(other.client, 'typing', { roomId: crypto.randomUUID(), isTyping: true }),
    ).toMatchObject({ ok: false, error: { code: 'ROOM_NOT_FOUND' } });

    // The token is cryptographically valid for 15 more minutes, but its session is over.
    for (const target of [p0, p1]) {
      const refused = await cluster.connect(laptop, target, { token: revokedToken }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ConnectRefused);
      expect((refused as ConnectRefused).message).toMatch(/Session ended/);
    }
  });
});
