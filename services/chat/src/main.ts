// chat-service entry: parse the configuration, build the real clients, run the app until
// SIGTERM. Everything else is in createApp (app.ts).
import { Redis } from 'ioredis';
import {
  createAccessTokenVerifier,
  createKafkaEventBus,
  kafkaClientSecurity,
  createLogger,
  createMetrics,
  createPostgresDb,
  parseConfig,
  runService,
} from '@falablau/common';
import { createApp, type ChatApp } from './app.js';
import { CHAT_DB_SCHEMA, chatEnvSchema } from './config.js';
import type { ChatDb } from './db/schema.js';
import { createRealtime } from './realtime/index.js';

const config = parseConfig(chatEnvSchema, process.env);
const logger = createLogger({ name: 'chat', level: config.logLevel });
logger.setBindings({ instance: config.instanceId });
const metrics = createMetrics({ service: 'chat' });

const db = createPostgresDb<ChatDb>({
  url: config.databaseUrl,
  schema: CHAT_DB_SCHEMA,
  logger,
  poolSize: config.databasePoolSize,
});
const eventBus = createKafkaEventBus({
  brokers: config.kafkaBrokers,
  clientId: `chat-${config.instanceId}`,
  kafka: await kafkaClientSecurity(config.kafkaSecurity),
  createTopics: config.kafkaSecurity.createTopics,
  logger,
  registry: metrics.registry,
  // This process's consumers (presence, revocation) are alone in groups of their own. After a
  // broker restart kafkajs rejoins as a NEW member, and the broker holds the join until the old
  // member's session expires: with the default 30 s, revocations and presence stalled for 30 s
  // (found by make test-faults, kafka-restart). A short session costs nothing for a one-member
  // group (the broker's minimum is 6 s); a long pause merely makes it rejoin.
  consumer: { sessionTimeout: 6_000, heartbeatInterval: 1_000 },
});
const verifier = createAccessTokenVerifier({
  jwksUrl: config.jwt.jwksUrl,
  issuer: config.jwt.issuer,
  audience: config.jwt.audience,
});

function connectRedis(url: string): { pub: Redis; sub: Redis } {
  // Auto-pipelining: the commands of one turn of the event loop (room broadcasts, rate-limit
  // checks) go out in one write instead of a system call each, which under load was a large
  // share of chat's CPU (docs/performance.md). Not on the subscriber, which only subscribes.
  const pub = new Redis(url, { lazyConnect: true, enableAutoPipelining: true });
  const sub = pub.duplicate({ enableAutoPipelining: false });
  // ioredis reconnects by itself; without listeners an 'error' event would end the process.
  for (const [role, client] of [
    ['pub', pub],
    ['sub', sub],
  ] as const) {
    client.on('error', (err: unknown) => {
      logger.warn({ err, role }, 'Redis connection error');
    });
  }
  return { pub, sub };
}
const redis = config.redisUrl === undefined ? undefined : connectRedis(config.redisUrl);
if (!redis) logger.warn('REDIS_URL is not set: in-memory Socket.IO adapter, run ONE process only');
if (!config.archive) {
  logger.warn('ARCHIVE_SERVICE_URL is not set: no archive, messages stay in Postgres');
}

let app: ChatApp | undefined;

runService({
  logger,
  start: async () => {
    if (redis) await Promise.all([redis.pub.connect(), redis.sub.connect()]);
    app = await createApp({
      config,
      logger,
      metrics,
      db,
      eventBus,
      verifier,
      redis,
      createRealtime,
    });
    const { port } = await app.start(config.port, config.host);
    logger.info({ port, host: config.host }, 'chat-service listening');
  },
  stop: async () => {
    // Stop accepting, close sockets, finish the relay's batch; then the clients it used.
    await app?.close();
    await eventBus.close();
    if (redis) await Promise.allSettled([redis.pub.quit(), redis.sub.quit()]);
    await db.destroy();
  },
});
