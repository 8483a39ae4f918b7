// auth-service entry point: the only file that reads the environment. It parses the config,
// builds the real clients (Postgres, Kafka, signing keys), migrates, and serves until SIGTERM.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import {
  createKafkaEventBus,
  kafkaClientSecurity,
  createLogger,
  createMetrics,
  createPostgresDb,
  createPostgresPool,
  migrateToLatest,
  parseConfig,
  runService,
} from '@falablau/common';
import { createApp, type AuthApp } from './app.js';
import { serviceClientsSchema, type ServiceClientsConfig } from './clients/service-clients.js';
import { AUTH_DB_SCHEMA, authEnvSchema } from './config.js';
import { authMigrations } from './db/migrations/index.js';
import type { AuthDb } from './db/schema.js';
import { createPasswordHasher } from './passwords/password-hasher.js';
import { createPostgresLoginLimiter } from './throttle/login-throttle.js';
import { loadSigningKeys } from './tokens/signing-keys.js';

// argon2 hashes run on libuv's thread pool (4 threads by default, shared with DNS and fs). The
// pool starts lazily at its first use, which none of the imports above makes, so sizing it here
// still takes effect; an explicit UV_THREADPOOL_SIZE (set by the chart) wins.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));

const config = parseConfig(authEnvSchema, process.env);
const logger = createLogger({ name: 'auth-service', level: config.logLevel });
const metrics = createMetrics({ service: 'auth-service' });

const pool = createPostgresPool({
  url: config.databaseUrl,
  schema: AUTH_DB_SCHEMA,
  logger,
  poolSize: config.databasePoolSize,
});
const db = createPostgresDb<AuthDb>({
  url: config.databaseUrl,
  schema: AUTH_DB_SCHEMA,
  logger,
  pool,
});
const eventBus = createKafkaEventBus({
  brokers: config.kafkaBrokers,
  clientId: 'auth-service',
  kafka: await kafkaClientSecurity(config.kafkaSecurity),
  createTopics: config.kafkaSecurity.createTopics,
  logger,
  registry: metrics.registry,
});
let auth: AuthApp | undefined;

/** OAUTH_CLIENTS merged with OAUTH_CLIENTS_FILE (a mounted Secret), validated by one schema. */
async function loadServiceClients(): Promise<ServiceClientsConfig> {
  if (!config.oauthClientsFile) return config.oauthClients;
  const text = await readFile(config.oauthClientsFile, 'utf8');
  const fromFile = serviceClientsSchema.parse(JSON.parse(text));
  return { ...fromFile, ...config.oauthClients };
}

runService({
  logger,
  start: async () => {
    await migrateToLatest(db, authMigrations, { schema: AUTH_DB_SCHEMA, logger });
    auth = await createApp({
      config,
      logger,
      metrics,
      db,
      eventBus,
      signingKeys: await loadSigningKeys(config.jwt, logger),
      loginLimiter: createPostgresLoginLimiter(pool, AUTH_DB_SCHEMA, config.loginThrottle),
      passwordHasher: await createPasswordHasher({ queueLimit: config.passwordHashQueueLimit }),
      serviceClients: await loadServiceClients(),
    });
    auth.start();
    await auth.app.listen({ port: config.port, host: config.host });
  },
  stop: async () => {
    await auth?.close();
    await eventBus.close();
    await db.destroy();
  },
});
