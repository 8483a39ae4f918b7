// Prometheus metrics of an event bus. Metrics are looked up before being created so that several
// buses (or a bus re-created in tests) can share one registry without "already registered" errors.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface EventBusMetrics {
  published(topic: string, count: number): void;
  consumed(topic: string, group: string, count: number): void;
  deadLettered(topic: string, group: string, count: number): void;
  handlerFailed(topic: string, group: string): void;
  /** How many events of a topic the group has not processed yet (this process's share). */
  setLag(topic: string, group: string, lag: number): void;
}

const noop = (): void => undefined;
const noMetrics: EventBusMetrics = {
  published: noop,
  consumed: noop,
  deadLettered: noop,
  handlerFailed: noop,
  setLag: noop,
};

function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export function createEventBusMetrics(registry?: Registry): EventBusMetrics {
  if (!registry) return noMetrics;
  const published = counter(
    registry,
    'falablau_events_published_total',
    'Events published, by topic',
    ['topic'],
  );
  const consumed = counter(
    registry,
    'falablau_events_consumed_total',
    'Events handled successfully (redeliveries count again), by topic and consumer group',
    ['topic', 'group'],
  );
  const deadLettered = counter(
    registry,
    'falablau_events_dead_lettered_total',
    'Invalid messages moved to <topic>.dlq, by topic and consumer group',
    ['topic', 'group'],
  );
  const handlerFailures = counter(
    registry,
    'falablau_events_handler_failures_total',
    'Batches whose handler threw (they are redelivered), by topic and consumer group',
    ['topic', 'group'],
  );
  const lag = gauge(
    registry,
    'falablau_events_consumer_lag',
    'Events not yet processed by the consumer group on the partitions this process owns',
    ['topic', 'group'],
  );
  return {
    published: (topic, count) => {
      published.inc({ topic }, count);
    },
    consumed: (topic, group, count) => {
      consumed.inc({ topic, group }, count);
    },
    deadLettered: (topic, group, count) => {
      deadLettered.inc({ topic, group }, count);
    },
    handlerFailed: (topic, group) => {
      handlerFailures.inc({ topic, group });
    },
    setLag: (topic, group, value) => {
      lag.set({ topic, group }, value);
    },
  };
}

/**
 * Sums per-partition lag over the subscriptions of one process, so two subscriptions of the same
 * group (or a subscription after a rebalance) do not overwrite each other's gauge value.
 */
export class LagTracker {
  private readonly lags = new Map<string, Map<string, number>>();

  constructor(private readonly metrics: EventBusMetrics) {}

  set(topic: string, group: string, owner: string, partition: number, lag: number): void {
    this.entries(topic, group).set(`${owner}/${partition}`, lag);
    this.publish(topic, group);
  }

  /** Forgets an owner's partitions that are not in `keep` (after a rebalance or stop). */
  retain(topic: string, group: string, owner: string, keep: readonly number[]): void {
    const entries = this.entries(topic, group);
    for (const id of entries.keys()) {
      const [entryOwner, partition] = id.split('/');
      if (entryOwner === owner && !keep.includes(Number(partition))) entries.delete(id);
    }
    this.publish(topic, group);
  }

  private entries(topic: string, group: string): Map<string, number> {
    const id = `${topic}\u0000${group}`;
    let entries = this.lags.get(id);
    if (!entries) {
      entries = new Map();
      this.lags.set(id, entries);
    }
    return entries;
  }

  private publish(topic: string, group: string): void {
    let total = 0;
    for (const lag of this.entries(topic, group).values()) total += lag;
    this.metrics.setLag(topic, group, total);
  }
}
