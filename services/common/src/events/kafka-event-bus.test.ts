// Runs against the real broker from `make infra-up`; a missing broker fails the suite loudly.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { requireServer } from '../testing/servers.js';
import { eventBusContract } from './event-bus.contract.js';
import type { EventBus } from './event-bus.js';
import { createKafkaEventBus, type KafkaEventBusOptions } from './kafka-event-bus.js';
import { createTestNetwork } from './kafka-test-network.js';
import { defineTopic, type TopicEvent } from './topic.js';
import { waitFor } from './wait-for.js';

const brokers = requireServer('KAFKA_BOOTSTRAP_SERVERS').split(',');
const silent = pino({ level: 'silent' });

// Fast group mechanics for tests; the broker's minimum session timeout is 6 s.
const fast: Pick<KafkaEventBusOptions, 'consumer' | 'publishTimeoutMs'> = {
  consumer: {
    sessionTimeout: 6_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 100,
    rebalanceTimeout: 10_000,
  },
  publishTimeoutMs: 10_000,
};

function kafkaBus(overrides: Partial<KafkaEventBusOptions> = {}): EventBus {
  return createKafkaEventBus({
    brokers,
    clientId: `test-${randomUUID().slice(0, 8)}`,
    logger: silent,
    ...fast,
    ...overrides,
  });
}

eventBusContract(
  'kafka',
  () => {
    const bus = kafkaBus();
    return Promise.resolve({ bus, cleanup: () => bus.close() });
  },
  { deliveryTimeoutMs: 20_000, quietMs: 500, testTimeoutMs: 60_000 },
);

const topicFor = (label: string) =>
  defineTopic(`kafka-test.${label}.${randomUUID().slice(0, 8)}.v1`, {
    ping: z.object({ n: z.int() }),
  });
type PingEvent = TopicEvent<ReturnType<typeof topicFor>>;

function collect() {
  const seen: number[] = [];
  return {
    seen,
    handleBatch: (events: PingEvent[]): Promise<void> => {
      seen.push(...events.map((e) => e.data.n));
      return Promise.resolve();
    },
  };
}

describe('kafka event bus', () => {
  // Closed even when a test fails, so no consumer outlives the test file.
  const open: EventBus[] = [];
  const track = (bus: EventBus): EventBus => {
    open.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  }, 60_000);

  it('ready() and publish fail in bounded time when no broker answers', async () => {
    const network = await createTestNetwork();
    network.cut();
    const bus = track(
      kafkaBus({
        publishTimeoutMs: 2_000,
        kafka: { socketFactory: network.socketFactory },
      }),
    );
    let started = Date.now();
    await expect(bus.ready()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_500);
    started = Date.now();
    await expect(bus.publish(topicFor('down'), 'ping', { n: 1 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_500);
    await bus.close();
  }, 30_000);

  it('survives a broker outage: publish fails fast, then works again; consumers resume', async () => {
    const network = await createTestNetwork();
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const bus = track(
      kafkaBus({
        logger,
        publishTimeoutMs: 3_000,
        kafka: { socketFactory: network.socketFactory },
      }),
    );
    const topic = topicFor('outage');
    const received = collect();
    await bus.subscribe(topic, { groupId: `outage-${randomUUID()}`, ...received });
    await bus.publish(topic, 'ping', { n: 1 });
    await waitFor(() => received.seen.includes(1), 'delivery before the outage', {
      timeoutMs: 20_000,
    });
    await bus.ready();

    network.cut();
    const started = Date.now();
    await expect(bus.publish(topic, 'ping', { n: 2 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(4_500);
    await expect(bus.ready()).rejects.toThrow();

    network.restore();
    let attempts = 0;
    await waitFor(
      async () => {
        attempts++;
        try {
          await bus.publish(topic, 'ping', { n: 3 });
          return true;
        } catch {
          return false;
        }
      },
      () => `publish kept failing after the broker came back (${attempts} attempts)`,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await bus.ready();
    await waitFor(
      () => received.seen.includes(3),
      () => `consumer did not resume; saw ${received.seen.join(',')}`,
      { timeoutMs: 60_000 },
    );
    // kafkajs's complaints went through pino, tagged.
    const kafkaLines = lines.map((l) => JSON.parse(l) as { component?: string; level: number });
    expect(kafkaLines.some((l) => l.component === 'kafkajs' && l.level >= 40)).toBe(true);
    await bus.close();
  }, 120_000);

  it('publishMany larger than one produce request arrives complete and in order', async () => {
    const bus = track(kafkaBus());
    const topic = topicFor('large');
    const received = collect();
    await bus.subscribe(topic, { groupId: `large-${randomUUID().slice(0, 8)}`, ...received });
    // ~3 MB on one key (one partition): above the broker's 1 MiB limit for a single batch.
    const total = 3_000;
    const padding = 'x'.repeat(1_000);
    const largeTopic = defineTopic(topic.name, { ping: z.object({ n: z.int(), pad: z.string() }) });
    await bus.publishMany(
      largeTopic,
      Array.from({ length: total }, (_, n) => ({
        type: 'ping' as const,
        key: 'one-room',
        data: { n, pad: padding },
      })),
    );
    await waitFor(
      () => received.seen.length >= total,
      () => `got ${received.seen.length}/${total}`,
      {
        timeoutMs: 30_000,
      },
    );
    expect(received.seen).toEqual(Array.from({ length: total }, (_, n) => n));
    await bus.close();
  }, 60_000);

  it("handles several partitions' batches at once only when partitionsConsumedConcurrently allows", async () => {
    const mostAtOnce = async (concurrency: number): Promise<number> => {
      const bus = track(
        kafkaBus({ consumer: { ...fast.consumer, partitionsConsumedConcurrently: concurrency } }),
      );
      const topic = topicFor(`concurrent-${concurrency}`);
      let inFlight = 0;
      let most = 0;
      const seen: number[] = [];
      await bus.subscribe(topic, {
        groupId: `concurrent-${randomUUID().slice(0, 8)}`,
        handleBatch: async (events) => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          // Held until another partition's batch is in too (or 1.5 s), so an overlap the
          // consumer allows is seen whatever the fetch timing.
          const until = Date.now() + 1_500;
          while (inFlight < 2 && Date.now() < until) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          seen.push(...events.map((e) => e.data.n));
          inFlight -= 1;
        },
      });
      // 30 keys over the topic's 3 partitions: each gets some (none would have p ≈ 2e-5).
      await bus.publishMany(
        topic,
        Array.from({ length: 30 }, (_, n) => ({
          type: 'ping' as const,
          key: `room-${n}`,
          data: { n },
        })),
      );
      await waitFor(
        () => seen.length >= 30,
        () => `got ${seen.length}/30`,
        { timeoutMs: 30_000 },
      );
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, n) => n));
      await bus.close();
      return most;
    };
    expect(await mostAtOnce(3)).toBeGreaterThanOrEqual(2);
    expect(await mostAtOnce(1)).toBe(1);
  }, 90_000);

  it('exports published, consumed, dead-lettered and lag metrics', async () => {
    const registry = new Registry();
    const bus = track(kafkaBus({ registry }));
    const topic = topicFor('metrics');
    const groupId = `metrics-${randomUUID().slice(0, 8)}`;
    const received = collect();
    await bus.subscribe(topic, { groupId, ...received });
    await bus.publishMany(topic, [
      { type: 'ping', data: { n: 1 } },
      { type: 'ping', data: { n: 2 } },
    ]);
    await bus.publishRaw(topic.name, 'not an envelope');
    const metric = async (line: string) => (await registry.metrics()).includes(line);
    await waitFor(
      () =>
        metric(`falablau_events_dead_lettered_total{topic="${topic.name}",group="${groupId}"} 1`),
      'the dead-letter counter',
      { timeoutMs: 20_000 },
    );
    await waitFor(() => received.seen.length >= 2, 'two deliveries', { timeoutMs: 20_000 });
    const text = await registry.metrics();
    expect(text).toContain(`falablau_events_published_total{topic="${topic.name}"} 3`);
    expect(text).toContain(`falablau_events_published_total{topic="${topic.dlqName}"} 1`);
    expect(text).toContain(
      `falablau_events_consumed_total{topic="${topic.name}",group="${groupId}"} 2`,
    );
    expect(text).toMatch(
      new RegExp(
        `falablau_events_consumer_lag\\{topic="${topic.name.replaceAll('.', '\\.')}",group="${groupId}"\\} 0`,
      ),
    );
    await bus.close();
  }, 60_000);
});
