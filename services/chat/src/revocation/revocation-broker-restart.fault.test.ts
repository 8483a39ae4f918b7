// After a Kafka broker restart, a chat process must consume revocations again within seconds: a
// logout right after the broker came back closes that session's sockets promptly. kafkajs rejoins
// the process's own group as a new member and the broker waits for the old member's session to
// expire first, so this bounds the consumers' session timeout (main.ts). Found by make test-faults
// (kafka-restart: revocations and presence stalled for 30 s). Restarts the shared local broker
// (scripts/infra/ctl.sh), so it runs in the serial fault phase, and always leaves it running.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  authSessionsTopic,
  createKafkaEventBus,
  createLogger,
  type EventBus,
} from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import { startChatCluster, type ChatCluster } from '../testing/chat-cluster.js';
import { disconnected } from '../testing/socket-client.js';

const run = promisify(execFile);
const ctl = fileURLToPath(new URL('../../../../scripts/infra/ctl.sh', import.meta.url));

let cluster: ChatCluster;
let bus: EventBus;

beforeAll(async () => {
  cluster = await startChatCluster({ name: 'chat_revocation_restart', processes: 1 });
  bus = createKafkaEventBus({
    brokers: [requireServer('KAFKA_BOOTSTRAP_SERVERS')],
    clientId: 'chat-revocation-restart-test',
    logger: createLogger({ name: 'revocation-restart-test', level: 'silent' }),
  });
}, 90_000);

afterAll(async () => {
  // Whatever happened, the shared broker runs again (a no-op when it does).
  await run(ctl, ['kafka', 'start'], { timeout: 180_000 });
  cluster.disconnectClients();
  await bus.close();
  await cluster.close();
});

async function publishRevocation(sessionId: string, userId: string): Promise<void> {
  // The test's own producer reconnects too; a broker that just came back may refuse a moment.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await bus.publish(
        authSessionsTopic,
        'session.revoked',
        { sessionId, userId, reason: 'logout', revokedAt: new Date().toISOString() },
        { key: sessionId },
      );
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

test('when the broker restarted, then a revocation right afterwards still closes the sockets within seconds', async () => {
  const alice = cluster.minter.user('alice');
  const socket = await cluster.connect(alice, cluster.process(0));

  await run(ctl, ['kafka', 'restart'], { timeout: 180_000 });
  const backAt = Date.now();
  await publishRevocation(alice.sessionId, alice.userId);
  // 30 s (the default session timeout) is what it took before: well under it now.
  expect(await disconnected(socket.client, 15_000)).toBe('io server disconnect');
  expect(Date.now() - backAt).toBeLessThan(15_000);
}, 240_000);
