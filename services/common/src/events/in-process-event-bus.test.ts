import { pino } from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { eventBusContract } from './event-bus.contract.js';
import { createInProcessEventBus } from './in-process-event-bus.js';
import { defineTopic } from './topic.js';
import { waitFor } from './wait-for.js';

const logger = pino({ level: 'silent' });

eventBusContract(
  'in-process',
  () => {
    const bus = createInProcessEventBus({ logger });
    return Promise.resolve({ bus, cleanup: () => bus.close() });
  },
  { deliveryTimeoutMs: 2_000, quietMs: 20 },
);

describe('in-process event bus', () => {
  const topic = defineTopic('in-process.retention.v1', {
    tick: z.object({ n: z.int() }),
  });

  it('drops old records beyond retention, but never ones a running group still needs', async () => {
    const bus = createInProcessEventBus({ logger, partitions: 1, retentionPerPartition: 5 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: number[] = [];
    const slow = await bus.subscribe(topic, {
      groupId: 'slow',
      handleBatch: async (events) => {
        await gate;
        seen.push(...events.map((e) => e.data.n));
      },
    });
    for (let n = 0; n < 20; n++) await bus.publish(topic, 'tick', { n });
    release();
    await waitFor(
      () => seen.length >= 20,
      () => `slow group saw ${seen.length}/20`,
    );
    expect(seen).toEqual(Array.from({ length: 20 }, (_, n) => n));
    await slow.stop();

    // Nobody holds the log now: a new group replays only what retention kept.
    await bus.publish(topic, 'tick', { n: 20 });
    const replayed: number[] = [];
    await bus.subscribe(topic, {
      groupId: 'late',
      fromBeginning: true,
      handleBatch: (events) => {
        replayed.push(...events.map((e) => e.data.n));
        return Promise.resolve();
      },
    });
    await waitFor(
      () => replayed.at(-1) === 20,
      () => `late group saw ${replayed.join(',')}`,
    );
    expect(replayed).toEqual([16, 17, 18, 19, 20]);
    await bus.close();
  });

  it('counts published, consumed and dead-lettered events and reports lag', async () => {
    const registry = new Registry();
    const bus = createInProcessEventBus({ logger, registry });
    const metricsTopic = defineTopic('in-process.metrics.v1', { tick: z.object({ n: z.int() }) });
    let handled = 0;
    await bus.subscribe(metricsTopic, {
      groupId: 'metrics',
      handleBatch: (events) => {
        handled += events.length;
        return Promise.resolve();
      },
    });
    await bus.publishMany(metricsTopic, [
      { type: 'tick', data: { n: 1 } },
      { type: 'tick', data: { n: 2 } },
    ]);
    await bus.publishRaw(metricsTopic.name, 'garbage');
    await waitFor(() => handled >= 2, 'two handled events');
    const text = await registry.metrics();
    await waitFor(
      async () =>
        (await registry.metrics()).includes(
          'falablau_events_dead_lettered_total{topic="in-process.metrics.v1",group="metrics"} 1',
        ),
      () => text,
    );
    const final = await registry.metrics();
    expect(final).toContain('falablau_events_published_total{topic="in-process.metrics.v1"} 3');
    expect(final).toContain(
      'falablau_events_consumed_total{topic="in-process.metrics.v1",group="metrics"} 2',
    );
    expect(final).toContain(
      'falablau_events_consumer_lag{topic="in-process.metrics.v1",group="metrics"} 0',
    );
    // A second bus on the same registry reuses the metrics instead of failing.
    expect(() => createInProcessEventBus({ registry })).not.toThrow();
    await bus.close();
  });
});
