// archive-service as a value: `createApp(deps)` wires the store, the Kafka feed, retention and the
// routes onto clients it is given, so tests run it in-process on port 0 against real servers and
// main.ts only builds clients from the configuration.
import {
  createHttpApp,
  createMetrics,
  type CallerVerifier,
  type EventBus,
  type HttpApp,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type Subscription,
} from '@falablau/common';
import { createArchiveMetrics, type ArchiveMetrics } from './archive.metrics.js';
import type { ArchiveAppConfig } from './config.js';
import { createBatchWriter, type BatchWriter } from './ingest/batch-writer.js';
import { ingestTopic, startIngest } from './ingest/ingest-consumer.js';
import { createRetention, type Retention } from './retention/retention.js';
import { registerArchiveRoutes } from './routes/index.js';
import type { ArchiveStore } from './store/archive-store.js';

export interface ArchiveAppDeps {
  config: ArchiveAppConfig;
  logger: Logger;
  /** Defaults to a fresh registry (several apps may share a process in tests and standalone). */
  metrics?: Metrics;
  store: ArchiveStore;
  /** Required when config.ingest.enabled. */
  eventBus?: EventBus;
  verifier: CallerVerifier;
  /** Prefix under which the routes are also reachable (the standalone gateway's `/api/archive`). */
  serverUrl?: string;
  /** The clock retention uses (tests move it). */
  now?: () => Date;
}

export interface ArchiveApp {
  http: HttpApp;
  metrics: Metrics;
  archiveMetrics: ArchiveMetrics;
  writer: BatchWriter;
  retention: Retention;
  /**
   * Creates indexes, starts retention sweeping if the store needs it, joins the consumer group,
   * then listens (port 0 = any free port). Ready means ingesting.
   */
  start(port?: number, host?: string): Promise<{ port: number }>;
  /** Stops accepting, finishes the batch in flight (and commits it). Leaves injected clients open. */
  close(): Promise<void>;
}

export async function createApp(deps: ArchiveAppDeps): Promise<ArchiveApp> {
  const { config, logger, store, eventBus, verifier } = deps;
  if (config.ingest.enabled && eventBus === undefined) {
    throw new Error('createApp: ingest is enabled but no eventBus was given');
  }
  const metrics = deps.metrics ?? createMetrics({ service: 'archive', defaultMetrics: false });
  const archiveMetrics = createArchiveMetrics(metrics.registry);
  const writer = createBatchWriter({
    store,
    metrics: archiveMetrics,
    logger: logger.child({ component: 'writer' }),
  });
  const retention = createRetention({
    store,
    ...config.retention,
    metrics: archiveMetrics,
    logger: logger.child({ component: 'retention' }),
    now: deps.now,
  });

  const readiness: ReadinessCheck[] = [{ name: 'mongodb', check: () => store.ready() }];
  if (config.ingest.enabled && eventBus) {
    readiness.push({ name: 'kafka', check: () => eventBus.ready() });
  }

  const http = await createHttpApp({
    name: 'archive',
    logger,
    metrics,
    readiness,
    trustProxy: config.trustProxy,
    serverUrl: deps.serverUrl,
    openapi: {
      title: 'FalaBLAU archive-service',
      version: '1.0.0',
      description:
        'Archived chat messages by room, user and period; the batch endpoint the mover uses; ' +
        'retention cleanup. Users authenticate with access tokens, services with ' +
        'client-credentials tokens (scopes archive:read, archive:write).',
    },
  });
  registerArchiveRoutes(http, { store, writer, retention, verifier });

  let ingest: Subscription | undefined;
  let closing: Promise<void> | undefined;

  return {
    http,
    metrics,
    archiveMetrics,
    writer,
    retention,

    async start(port = 0, host = '127.0.0.1') {
      const { nativeExpiry } = await store.init();
      archiveMetrics.nativeExpiry.set(nativeExpiry ? 1 : 0);
      if (!nativeExpiry) {
        logger.info(
          { ttlDays: config.retention.ttlDays, everyMs: config.retention.sweepIntervalMs },
          'Retention: no TTL index on this store, sweeping periodically',
        );
        retention.startSweeper();
      }
      if (config.ingest.enabled && eventBus) {
        ingest = await startIngest({
          eventBus,
          topic: ingestTopic(config.ingest.topic),
          writer,
          logger: logger.child({ component: 'ingest' }),
          groupId: config.ingest.groupId,
          fromBeginning: config.ingest.fromBeginning,
        });
      }
      await http.listen({ port, host });
      const address = http.server.address();
      return { port: typeof address === 'object' && address !== null ? address.port : port };
    },

    close() {
      closing ??= (async () => {
        await http.close();
        // Leaving the group waits for the batch in flight, so its offsets are committed.
        await ingest?.stop();
        await retention.stop();
      })();
      return closing;
    },
  };
}
