// archive-service entry point: the only file that reads the environment. It parses the config,
// builds the real clients (MongoDB, Kafka, the JWKS verifier) and serves until SIGTERM.
import { MongoClient } from 'mongodb';
import {
  createCallerVerifier,
  createLogger,
  createMetrics,
  parseConfig,
  runService,
} from '@falablau/common';
import { createApp, type ArchiveApp } from './app.js';
import { archiveEnvSchema } from './config.js';
import { createArchiveEventBus } from './ingest/kafka-event-bus.js';
import { createMongoArchiveStore } from './store/mongo/mongo-archive-store.js';

const config = parseConfig(archiveEnvSchema, process.env);
const logger = createLogger({ name: 'archive', level: config.logLevel });
logger.setBindings({ instance: config.instanceId });
const metrics = createMetrics({ service: 'archive' });

const mongo = new MongoClient(config.mongo.uri, {
  appName: `falablau-archive-${config.instanceId}`,
  serverSelectionTimeoutMS: 5_000,
});
const store = createMongoArchiveStore({
  db: mongo.db(config.mongo.database),
  ttlDays: config.retention.ttlDays,
  logger,
});
const eventBus = config.ingest.enabled
  ? await createArchiveEventBus(config, logger, metrics)
  : undefined;
const verifier = createCallerVerifier({
  jwksUrl: config.jwt.jwksUrl,
  issuer: config.jwt.issuer,
  audience: config.jwt.audience,
});

let app: ArchiveApp | undefined;

runService({
  logger,
  start: async () => {
    await mongo.connect();
    app = await createApp({ config, logger, metrics, store, eventBus, verifier });
    const { port } = await app.start(config.port, config.host);
    logger.info(
      { port, host: config.host, database: config.mongo.database, ingest: config.ingest.enabled },
      'archive-service listening',
    );
  },
  stop: async () => {
    // Stop accepting and finish the batch in flight; then the clients it used.
    await app?.close();
    await eventBus?.close();
    await mongo.close();
  },
});
