// Metrics of the outbox relay. The backlog is counted on each scrape (an index-only count over the
// small partial index of unpublished rows), so it is exact even while the relay is stuck.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface OutboxMetrics {
  published: Counter;
  failures: Counter;
  publishLag: Histogram;
}

export function createOutboxMetrics(
  registry: Registry,
  countBacklog: () => Promise<number>,
): OutboxMetrics {
  new Gauge({
    name: 'chat_outbox_backlog',
    help: 'Stored messages not yet published to chat.messages.v1 (all replicas)',
    registers: [registry],
    async collect() {
      try {
        this.set(await countBacklog());
      } catch {
        // Keep the last value: a scrape must not fail because Postgres blinked; /ready reports it.
      }
    },
  });
  return {
    published: new Counter({
      name: 'chat_outbox_published_total',
      help: 'Messages published to chat.messages.v1 by this replica (re-publications count again)',
      registers: [registry],
    }),
    failures: new Counter({
      name: 'chat_outbox_publish_failures_total',
      help: 'Outbox batches that failed (Kafka or Postgres unavailable) and will be retried',
      registers: [registry],
    }),
    publishLag: new Histogram({
      name: 'chat_outbox_publish_lag_seconds',
      help: 'Time from storing a message to its publication on chat.messages.v1',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}
