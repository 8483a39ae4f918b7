// archive-service as the benchmark runs it for "P4 (indexed store)": the service's own app,
// configuration and Kafka consumer (createArchiveEventBus, as its main.ts builds them), with
// the PostgreSQL ArchiveStore on ARCHIVE_DATABASE_URL instead of MongoDB. Started as a process
// of its own by phases/ingest.ts, so its CPU is accounted apart; SIGTERM finishes the batch in
// flight like the service. MONGO_URI is required by the service's schema but not used here.
import { createApp, type ArchiveApp } from '@falablau/archive/dist/app.js';
import { archiveEnvSchema } from '@falablau/archive/dist/config.js';
import { createArchiveEventBus } from '@falablau/archive/dist/ingest/kafka-event-bus.js';
import {
  ARCHIVE_PG_SCHEMA,
  type ArchivePgDb,
} from '@falablau/archive/dist/store/pg/pg-archive-schema.js';
import { createPgArchiveStore } from '@falablau/archive/dist/store/pg/pg-archive-store.js';
import {
  createCallerVerifier,
  createLogger,
  createMetrics,
  createPostgresDb,
  parseConfig,
  runService,
} from '@falablau/common';
import { z } from 'zod';

const config = parseConfig(archiveEnvSchema, process.env);
const { ARCHIVE_DATABASE_URL } = parseConfig(
  z.object({ ARCHIVE_DATABASE_URL: z.url() }),
  process.env,
);
const logger = createLogger({ name: 'archive-pg', level: config.logLevel });
const metrics = createMetrics({ service: 'archive' });
const db = createPostgresDb<ArchivePgDb>({
  url: ARCHIVE_DATABASE_URL,
  schema: ARCHIVE_PG_SCHEMA,
  logger,
  poolSize: 4,
});
const eventBus = await createArchiveEventBus(config, logger, metrics);

let app: ArchiveApp | undefined;

runService({
  logger,
  start: async () => {
    app = await createApp({
      config,
      logger,
      metrics,
      store: createPgArchiveStore({ db, logger }),
      eventBus,
      verifier: createCallerVerifier({
        jwksUrl: config.jwt.jwksUrl,
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
      }),
    });
    await app.start(config.port, config.host);
  },
  stop: async () => {
    await app?.close();
    await eventBus.close();
    await db.destroy();
  },
});
