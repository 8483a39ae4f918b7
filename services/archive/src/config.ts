// archive-service configuration: every variable, its default and its meaning in one schema, parsed
// once by the entry file (main.ts) into a typed object. Nothing else reads the environment.
import { hostname } from 'node:os';
import {
  checkKafkaSecurityEnv,
  envSchemas,
  kafkaSecurityEnvShape,
  toKafkaSecurityConfig,
} from '@falablau/common';
import { z } from 'zod';

const mongoUri = z
  .string()
  .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// connection string');

/** The database named in the URI's path (`mongodb://host/falablau?…`), if any. */
export function databaseFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]+\/([^?]+)/.exec(uri);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

export const archiveEnvSchema = z
  .object({
    /** HTTP port (the seed's archive-service port). */
    PORT: envSchemas.port(5002),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: envSchemas.logLevel,
    MONGO_URI: mongoUri,
    /** Database for the archive; defaults to the one in MONGO_URI, else `falablau`. */
    MONGO_DATABASE: z
      .string()
      .regex(/^[\w-]{1,63}$/, 'use 1-63 characters from [A-Za-z0-9_-]')
      .optional(),
    /** Needed when INGEST_ENABLED (the chat.messages.v1 consumer). */
    KAFKA_BOOTSTRAP_SERVERS: envSchemas.kafkaBrokers.optional(),
    /** SASL/TLS towards Kafka and topic creation (common/src/events/kafka-security.ts). */
    ...kafkaSecurityEnvShape,
    /** auth-service base URL: tokens are verified against `<url>/.well-known/jwks.json`. */
    AUTH_SERVICE_URL: envSchemas.httpUrl.default('http://localhost:5000'),
    /** Must equal auth-service's JWT_ISSUER. */
    JWT_ISSUER: envSchemas.jwtIssuer,
    /** Must equal auth-service's JWT_AUDIENCE. */
    JWT_AUDIENCE: envSchemas.jwtAudience,
    /** Archived messages are kept this many days after they were sent (TTL index or sweeper). */
    ARCHIVE_TTL_DAYS: envSchemas.positiveInt(365),
    /** How often retention runs where the store cannot expire documents itself (FerretDB). */
    RETENTION_SWEEP_INTERVAL: envSchemas.duration('1h'),
    /** Trust X-Forwarded-* from the ingress. */
    TRUST_PROXY: envSchemas.boolean(false),
    /** Consume chat.messages.v1 into the archive. Off for replicas that only answer queries. */
    INGEST_ENABLED: envSchemas.boolean(true),
    /**
     * The topic to archive. Always chat.messages.v1 in a deployment; a separate name (same
     * events) keeps benchmarks and isolated runs off the shared topic. Its DLQ is `<topic>.dlq`.
     */
    INGEST_TOPIC: z
      .string()
      .regex(/^[\w.-]{1,200}$/, 'use 1-200 characters from [A-Za-z0-9_.-]')
      .default('chat.messages.v1'),
    /** Kafka consumer group; every replica shares it so each message is archived by one. */
    INGEST_GROUP_ID: z.string().min(1).max(255).default('archive'),
    /**
     * Where a group with no committed offsets starts: `earliest` (whatever the topic still
     * holds, so nothing sent before the first deployment is missed) or `latest`.
     */
    INGEST_START: z.enum(['earliest', 'latest']).default('earliest'),
    /**
     * How long the group waits for a silent consumer before moving its partitions to the others
     * (Kafka session timeout; the broker allows 6s and up). Shorter = faster takeover after a crash.
     */
    INGEST_SESSION_TIMEOUT: envSchemas.duration('30s'),
    /**
     * A fetch from Kafka waits until this many bytes are there (or INGEST_FETCH_MAX_WAIT passed):
     * under load the archive then writes a few large batches a second instead of one per
     * produce request, which cost more CPU in the archive, Kafka and the database than the
     * writes themselves (docs/performance.md). 0 answers at once.
     */
    INGEST_FETCH_MIN_BYTES: z.coerce.number().int().min(0).max(52_428_800).default(65_536),
    /** The longest a fetch waits for INGEST_FETCH_MIN_BYTES: the most it adds to ingest lag. */
    INGEST_FETCH_MAX_WAIT: envSchemas.duration('250ms'),
    /**
     * Partitions whose batches are written at the same time. Batches of one partition stay in
     * order; with more than one, the database writes of the partitions this process owns overlap
     * instead of waiting for each other (docs/performance.md, P4).
     */
    INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Names this process in Kafka client ids and logs; a pod name is ideal. */
    INSTANCE_ID: z
      .string()
      .regex(/^[\w.:-]{1,128}$/, 'use 1-128 characters from [A-Za-z0-9_.:-]')
      .default(`${hostname()}-${String(process.pid)}`),
  })
  .superRefine((env, ctx) => {
    checkKafkaSecurityEnv(env, ctx);
    if (env.INGEST_ENABLED && env.KAFKA_BOOTSTRAP_SERVERS === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_BOOTSTRAP_SERVERS'],
        message: 'required while INGEST_ENABLED is true',
      });
    }
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    mongo: {
      uri: env.MONGO_URI,
      database: env.MONGO_DATABASE ?? databaseFromUri(env.MONGO_URI) ?? 'falablau',
    },
    kafkaBrokers: env.KAFKA_BOOTSTRAP_SERVERS ?? [],
    kafkaSecurity: toKafkaSecurityConfig(env),
    jwt: {
      // Appended, not resolved: a base with a path (`http://gateway/api/auth`) keeps it.
      jwksUrl: `${env.AUTH_SERVICE_URL.replace(/\/+$/, '')}/.well-known/jwks.json`,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    retention: { ttlDays: env.ARCHIVE_TTL_DAYS, sweepIntervalMs: env.RETENTION_SWEEP_INTERVAL },
    trustProxy: env.TRUST_PROXY,
    ingest: {
      enabled: env.INGEST_ENABLED,
      topic: env.INGEST_TOPIC,
      groupId: env.INGEST_GROUP_ID,
      fromBeginning: env.INGEST_START === 'earliest',
      sessionTimeoutMs: env.INGEST_SESSION_TIMEOUT,
      fetchMinBytes: env.INGEST_FETCH_MIN_BYTES,
      fetchMaxWaitMs: env.INGEST_FETCH_MAX_WAIT,
      concurrency: env.INGEST_CONCURRENCY,
    },
    instanceId: env.INSTANCE_ID,
  }));

export type ArchiveConfig = z.output<typeof archiveEnvSchema>;

/** The part of the configuration `createApp` needs (the rest builds clients in main.ts). */
export type ArchiveAppConfig = Pick<ArchiveConfig, 'retention' | 'trustProxy'> & {
  ingest: Omit<
    ArchiveConfig['ingest'],
    'sessionTimeoutMs' | 'fetchMinBytes' | 'fetchMaxWaitMs' | 'concurrency'
  >;
};
