// chat-service configuration: every variable, its default and its meaning in one schema, parsed
// once by the entry file (main.ts) into a typed object. Nothing else reads the environment.
import { hostname } from 'node:os';
import {
  checkKafkaSecurityEnv,
  envSchemas,
  kafkaSecurityEnvShape,
  toKafkaSecurityConfig,
} from '@falablau/common';
import { z } from 'zod';
import { archiveEnvShape, checkArchiveEnv, toArchiveConfig } from './archive/archive.config.js';
import { realtimeEnvShape, toRealtimeConfig } from './realtime/realtime.config.js';
import { roomsEnvShape } from './rooms/room-creation-limit.js';

const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });

export const chatEnvSchema = z
  .object({
    NODE_ENV: envSchemas.nodeEnv,
    /** HTTP and WebSocket port (the seed's chat-service port). */
    PORT: envSchemas.port(5001),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: envSchemas.logLevel,
    DATABASE_URL: envSchemas.postgresUrl,
    /** Connections in this replica's Postgres pool (senders hold one for a short transaction). */
    DATABASE_POOL_SIZE: envSchemas.positiveInt(10),
    /** Socket.IO Redis adapter; unset = in-memory adapter, which only works with ONE process. */
    REDIS_URL: redisUrl.optional(),
    KAFKA_BOOTSTRAP_SERVERS: envSchemas.kafkaBrokers,
    /** SASL/TLS towards Kafka and topic creation (common/src/events/kafka-security.ts). */
    ...kafkaSecurityEnvShape,
    /** auth-service base URL: access tokens are verified against `<url>/.well-known/jwks.json`. */
    AUTH_SERVICE_URL: envSchemas.httpUrl.default('http://localhost:5000'),
    /** Must equal auth-service's JWT_ISSUER. */
    JWT_ISSUER: envSchemas.jwtIssuer,
    /** Must equal auth-service's JWT_AUDIENCE. */
    JWT_AUDIENCE: envSchemas.jwtAudience,
    /** Browser origins allowed to open sockets (comma-separated); empty = same origin only. */
    CORS_ORIGINS: envSchemas.list.default([]),
    /** Names this process in presence records and logs; unique per replica (a pod name is ideal). */
    INSTANCE_ID: z
      .string()
      .regex(/^[\w.:-]{1,128}$/, 'use 1-128 characters from [A-Za-z0-9_.:-]')
      .default(`${hostname()}-${String(process.pid)}`),
    /** Trust X-Forwarded-* from the ingress so rate limits see the client address. */
    TRUST_PROXY: envSchemas.boolean(false),
    /** Membership answers are cached this long per process (join/leave here invalidate at once). */
    MEMBERSHIP_CACHE_TTL: envSchemas.duration('5s'),
    /** Room creations per user (rooms/room-creation-limit.ts). */
    ...roomsEnvShape,

    // ── outbox relay (src/outbox) ─────────────────────────────────────────────────────────────
    /** Unpublished messages claimed and published to Kafka per batch. */
    OUTBOX_BATCH_SIZE: envSchemas.positiveInt(200),
    /** Periodic sweep for rows the immediate wake-ups missed (another pod's crash, a retry). */
    OUTBOX_INTERVAL: envSchemas.duration('1s'),
    /** How long a send's wake-up waits for more sends, so they reach Kafka in one batch. */
    OUTBOX_LINGER: envSchemas.duration('50ms'),
    /** Longest pause between attempts while Kafka is unreachable (backoff doubles up to it). */
    OUTBOX_MAX_BACKOFF: envSchemas.duration('30s'),

    // ── realtime, presence, revocation (src/realtime, src/presence, src/revocation) ───────────
    // Defined next to the code that uses them (realtime/realtime.config.ts), listed here so the
    // service still has one schema and one list of problems at start-up.
    ...realtimeEnvShape,

    // ── the archive: mover and history continuation (src/archive) ─────────────────────────────
    ...archiveEnvShape,
  })
  .superRefine((env, ctx) => {
    checkKafkaSecurityEnv(env, ctx);
    checkArchiveEnv(env, ctx);
  })
  .transform((env) => ({
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    redisUrl: env.REDIS_URL,
    kafkaBrokers: env.KAFKA_BOOTSTRAP_SERVERS,
    kafkaSecurity: toKafkaSecurityConfig(env),
    jwt: {
      // Appended, not resolved: a base with a path (`http://gateway/api/auth`) keeps it.
      jwksUrl: `${env.AUTH_SERVICE_URL.replace(/\/+$/, '')}/.well-known/jwks.json`,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    corsOrigins: env.CORS_ORIGINS,
    instanceId: env.INSTANCE_ID,
    trustProxy: env.TRUST_PROXY,
    membershipCacheTtlMs: env.MEMBERSHIP_CACHE_TTL,
    roomCreateRateLimit: env.ROOM_CREATE_RATE_LIMIT,
    outbox: {
      batchSize: env.OUTBOX_BATCH_SIZE,
      intervalMs: env.OUTBOX_INTERVAL,
      lingerMs: env.OUTBOX_LINGER,
      maxBackoffMs: env.OUTBOX_MAX_BACKOFF,
    },
    realtime: toRealtimeConfig(env),
    /** Undefined without ARCHIVE_SERVICE_URL: no mover, history from Postgres only. */
    archive: toArchiveConfig(env, env.AUTH_SERVICE_URL),
  }));

export type ChatConfig = z.output<typeof chatEnvSchema>;

/** The part of the configuration `createApp` needs (the rest builds clients in main.ts). */
export type ChatAppConfig = Pick<
  ChatConfig,
  'corsOrigins' | 'instanceId' | 'trustProxy' | 'membershipCacheTtlMs' | 'outbox' | 'realtime'
> &
  // Absent (tests building a config by hand): ROOM_CREATE_RATE_LIMIT's default.
  Partial<Pick<ChatConfig, 'archive' | 'roomCreateRateLimit'>>;

/** The Postgres schema chat-service owns. */
export const CHAT_DB_SCHEMA = 'chat';
