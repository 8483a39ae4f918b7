// archive-service's own Prometheus metrics (consumer lag comes from the event bus:
// `falablau_events_consumer_lag{topic="chat.messages.v1",group="archive"}`).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type WriteSource = 'kafka' | 'http';
export type WriteOutcome = 'inserted' | 'duplicate' | 'conflict';
export type RetentionTrigger = 'sweep' | 'request';

export interface ArchiveMetrics {
  ingested: Counter<'source' | 'result'>;
  batchSize: Histogram<'source'>;
  batchDuration: Histogram<'source'>;
  retentionDeleted: Counter<'trigger'>;
  /** 1 when the database expires messages itself (TTL index), 0 when the service sweeps. */
  nativeExpiry: Gauge;
}

export function createArchiveMetrics(registry: Registry): ArchiveMetrics {
  return {
    ingested: new Counter({
      name: 'archive_ingested_total',
      help: 'Messages written to the archive, by source (kafka, http) and result (inserted, duplicate, conflict)',
      labelNames: ['source', 'result'] as const,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'archive_ingest_batch_size',
      help: 'Messages per archive write (one Kafka batch or one POST /archive/messages)',
      labelNames: ['source'] as const,
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: 'archive_ingest_batch_duration_seconds',
      help: 'Time to write one batch to the archive (including duplicate/conflict resolution)',
      labelNames: ['source'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    retentionDeleted: new Counter({
      name: 'archive_retention_deleted_total',
      help: 'Archived messages removed by retention, by trigger (sweep, request)',
      labelNames: ['trigger'] as const,
      registers: [registry],
    }),
    nativeExpiry: new Gauge({
      name: 'archive_retention_native_ttl',
      help: '1 when a TTL index expires archived messages, 0 when the service sweeps them',
      registers: [registry],
    }),
  };
}
