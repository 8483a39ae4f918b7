// The Kafka client archive-service ingests through, built from its configuration: one place for
// the consumer tuning (session, heartbeat, fetch batching), used by main.ts and by the
// benchmark's archive process on another store (bench/src/worker/archive-pg-service.ts).
import {
  createKafkaEventBus,
  kafkaClientSecurity,
  type EventBus,
  type Logger,
  type Metrics,
} from '@falablau/common';
import type { ArchiveConfig } from '../config.js';

export async function createArchiveEventBus(
  config: Pick<ArchiveConfig, 'kafkaBrokers' | 'kafkaSecurity' | 'instanceId' | 'ingest'>,
  logger: Logger,
  metrics: Metrics,
): Promise<EventBus> {
  return createKafkaEventBus({
    brokers: config.kafkaBrokers,
    clientId: `archive-${config.instanceId}`,
    kafka: await kafkaClientSecurity(config.kafkaSecurity),
    createTopics: config.kafkaSecurity.createTopics,
    logger,
    registry: metrics.registry,
    consumer: {
      sessionTimeout: config.ingest.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(config.ingest.sessionTimeoutMs / 10)),
      minBytes: Math.max(1, config.ingest.fetchMinBytes),
      maxWaitTimeInMs: config.ingest.fetchMaxWaitMs,
      partitionsConsumedConcurrently: config.ingest.concurrency,
    },
  });
}
