// A replacement for a crashed consumer (SIGKILL: no LeaveGroup) can only join once the broker has
// expired the dead member, up to the session timeout later. subscribe()'s default deadline must
// allow for that, or a restarted service fails its start-up (found by make test-faults: the
// archive restarted after a SIGKILL was ready after 29.9 s, against a fixed 30 s deadline).
// Runs against the real broker of `make infra-up`; the dead member is a real process.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { z } from 'zod';
import { requireServer } from '../testing/servers.js';
import { createKafkaEventBus, subscribeDeadlineMs } from './kafka-event-bus.js';
import { defineTopic } from './topic.js';
import { waitFor } from './wait-for.js';

const brokers = requireServer('KAFKA_BOOTSTRAP_SERVERS').split(',');
const commonDir = fileURLToPath(new URL('../../', import.meta.url));

describe('subscribeDeadlineMs', () => {
  test('the default leaves the session timeout for a dead member to expire, plus 30 s to join', () => {
    expect(subscribeDeadlineMs({})).toBe(60_000);
    expect(subscribeDeadlineMs({ consumer: { sessionTimeout: 45_000 } })).toBe(75_000);
    expect(
      subscribeDeadlineMs({ subscribeTimeoutMs: 5_000, consumer: { sessionTimeout: 45_000 } }),
    ).toBe(5_000);
  });
});

/** A kafkajs consumer in another process that joins `group` on `topic`, prints JOINED, idles. */
function startMember(topic: string, group: string, sessionTimeout: number) {
  const script = `
    import { Kafka, logLevel } from 'kafkajs';
    const kafka = new Kafka({ brokers: ${JSON.stringify(brokers)}, clientId: 'dead-member', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: ${JSON.stringify(group)}, sessionTimeout: ${sessionTimeout}, heartbeatInterval: 1000 });
    consumer.on(consumer.events.GROUP_JOIN, () => console.log('JOINED'));
    await consumer.connect();
    await consumer.subscribe({ topic: ${JSON.stringify(topic)} });
    await consumer.run({ eachMessage: async () => {} });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: commonDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

test('when the group still holds a SIGKILLed member, then a replacement subscribes within the default deadline', async () => {
  // Longer than the old fixed 30 s deadline: the replacement must wait for this session to expire.
  const sessionTimeout = 33_000;
  const topic = defineTopic(`kafka-test.crash-rejoin.${randomUUID().slice(0, 8)}.v1`, {
    ping: z.object({ n: z.int() }),
  });
  const group = `crash-rejoin-${randomUUID().slice(0, 8)}`;
  const bus = createKafkaEventBus({
    brokers,
    clientId: 'crash-rejoin-test',
    logger: pino({ level: 'silent' }),
    consumer: { sessionTimeout, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 },
  });
  const member = startMember(topic.name, group, sessionTimeout);
  try {
    // Creates the topic, so the member can subscribe to it.
    await bus.publish(topic, 'ping', { n: 0 });
    await waitFor(
      () => member.output().includes('JOINED'),
      () => `the member process never joined: ${member.output()}`,
      { timeoutMs: 30_000 },
    );
    member.child.kill('SIGKILL');

    const seen: number[] = [];
    const started = Date.now();
    const subscription = await bus.subscribe(topic, {
      groupId: group,
      handleBatch: async (events) => {
        seen.push(...events.map((e) => e.data.n));
      },
    });
    const joinedAfterMs = Date.now() - started;
    // It did have to wait for the dead member (so the old 30 s deadline would have been tight).
    expect(joinedAfterMs).toBeGreaterThan(15_000);
    await bus.publish(topic, 'ping', { n: 1 });
    await waitFor(
      () => seen.includes(1),
      () => `delivered after subscribing: [${seen.join(', ')}]`,
      { timeoutMs: 20_000 },
    );
    await subscription.stop();
  } finally {
    member.child.kill('SIGKILL');
    await bus.close();
  }
}, 120_000);
