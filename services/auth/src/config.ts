// auth-service configuration: every variable, its default and its meaning in one schema, parsed
// once by the entry file (main.ts) into a typed object. Nothing else reads the environment.
import {
  checkKafkaSecurityEnv,
  envSchemas,
  kafkaSecurityEnvShape,
  toKafkaSecurityConfig,
} from '@falablau/common';
import { z } from 'zod';
import { serviceClientsSchema } from './clients/service-clients.js';

const optionalText = z.string().min(1).optional();

export const authEnvSchema = z
  .object({
    NODE_ENV: envSchemas.nodeEnv,
    /** HTTP port (the seed's auth-service port). */
    PORT: envSchemas.port(5000),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: envSchemas.logLevel,
    DATABASE_URL: envSchemas.postgresUrl,
    /** Connections in this replica's Postgres pool. */
    DATABASE_POOL_SIZE: envSchemas.positiveInt(10),
    KAFKA_BOOTSTRAP_SERVERS: envSchemas.kafkaBrokers,
    /** SASL/TLS towards Kafka and topic creation (common/src/events/kafka-security.ts). */
    ...kafkaSecurityEnvShape,
    /** `iss` of every access token; verifiers in other services must use the same value. */
    JWT_ISSUER: envSchemas.jwtIssuer,
    /** `aud` of every access token; verifiers in other services must use the same value. */
    JWT_AUDIENCE: envSchemas.jwtAudience,
    /** The current ES256 signing key as PEM (PKCS#8 or SEC1). */
    JWT_PRIVATE_KEY: optionalText,
    /** …or a file holding it (e.g. a mounted Kubernetes Secret). */
    JWT_PRIVATE_KEY_FILE: optionalText,
    /** `kid` of the current key; defaults to its RFC 7638 thumbprint. */
    JWT_KEY_ID: optionalText,
    /** Public keys of retired signing keys (PEM blocks), still served in the JWKS during rotation. */
    JWT_PREVIOUS_PUBLIC_KEYS: optionalText,
    JWT_PREVIOUS_PUBLIC_KEYS_FILE: optionalText,
    /** Where a development key is generated and kept when no key is configured. */
    KEYS_DIR: z.string().min(1).default('./data/keys'),
    ACCESS_TOKEN_TTL: envSchemas.duration('15m'),
    REFRESH_TOKEN_TTL: envSchemas.duration('30d'),
    /**
     * A rotated refresh token presented again within this window is treated as a benign race
     * (two tabs refreshing at once): 401 without revoking the session. Later reuse revokes it.
     */
    REFRESH_REUSE_GRACE: envSchemas.duration('10s'),
    /** Trust X-Forwarded-For from the ingress so per-IP limits see the client address. */
    TRUST_PROXY: envSchemas.boolean(false),
    /** Usernames (case-insensitive) that get the admin role when they register. */
    ADMIN_USERNAMES: envSchemas.list.default([]),
    /** Failed logins allowed per account per window before 429. */
    LOGIN_MAX_FAILURES: envSchemas.positiveInt(100),
    LOGIN_FAILURE_WINDOW: envSchemas.duration('1h'),
    /** Requests per client IP per window on /login, /register and /refresh (each route apart). */
    IP_RATE_LIMIT_MAX: envSchemas.positiveInt(60),
    IP_RATE_LIMIT_WINDOW: envSchemas.duration('1m'),
    /** Password hashes allowed to wait for a worker thread before new ones are shed with 503. */
    PASSWORD_HASH_QUEUE_LIMIT: envSchemas.positiveInt(256),
    /**
     * OAuth2 clients (other services) allowed the client-credentials grant, as JSON:
     * `{"chat-service": {"secret": "…" | "secretSha256": "<hex>", "scopes": ["archive:read"]}}`.
     */
    OAUTH_CLIENTS: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON' });
          return z.NEVER;
        }
      })
      .pipe(serviceClientsSchema)
      .optional(),
    /** …or a file holding that JSON (a mounted Secret); merged with OAUTH_CLIENTS. */
    OAUTH_CLIENTS_FILE: optionalText,
    /** Lifetime of client-credentials (service) tokens. */
    SERVICE_TOKEN_TTL: envSchemas.duration('10m'),
    /** The URL clients reach this service at (e.g. https://chat.example.com/api/auth), for metadata. */
    PUBLIC_URL: envSchemas.httpUrl.optional(),
  })
  .superRefine((env, ctx) => {
    checkKafkaSecurityEnv(env, ctx);
    if (env.JWT_PRIVATE_KEY && env.JWT_PRIVATE_KEY_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PRIVATE_KEY_FILE'],
        message: 'set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE, not both',
      });
    }
    if (env.NODE_ENV === 'production' && !env.JWT_PRIVATE_KEY && !env.JWT_PRIVATE_KEY_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PRIVATE_KEY'],
        message:
          'a signing key is required in production (JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE)',
      });
    }
  })
  .transform((env) => ({
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    kafkaBrokers: env.KAFKA_BOOTSTRAP_SERVERS,
    kafkaSecurity: toKafkaSecurityConfig(env),
    jwt: {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      privateKeyPem: env.JWT_PRIVATE_KEY,
      privateKeyFile: env.JWT_PRIVATE_KEY_FILE,
      keyId: env.JWT_KEY_ID,
      previousPublicKeysPem: env.JWT_PREVIOUS_PUBLIC_KEYS,
      previousPublicKeysFile: env.JWT_PREVIOUS_PUBLIC_KEYS_FILE,
      keysDir: env.KEYS_DIR,
      // Generating a key in production would silently invalidate tokens on every new pod.
      allowGenerate: env.NODE_ENV !== 'production',
    },
    accessTokenTtlMs: env.ACCESS_TOKEN_TTL,
    refreshTokenTtlMs: env.REFRESH_TOKEN_TTL,
    refreshReuseGraceMs: env.REFRESH_REUSE_GRACE,
    trustProxy: env.TRUST_PROXY,
    adminUsernames: env.ADMIN_USERNAMES,
    loginThrottle: { maxFailures: env.LOGIN_MAX_FAILURES, windowMs: env.LOGIN_FAILURE_WINDOW },
    ipRateLimit: { max: env.IP_RATE_LIMIT_MAX, windowMs: env.IP_RATE_LIMIT_WINDOW },
    passwordHashQueueLimit: env.PASSWORD_HASH_QUEUE_LIMIT,
    oauthClients: env.OAUTH_CLIENTS ?? {},
    oauthClientsFile: env.OAUTH_CLIENTS_FILE,
    serviceTokenTtlMs: env.SERVICE_TOKEN_TTL,
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
  }));

export type AuthConfig = z.output<typeof authEnvSchema>;

/** The part of the configuration `createApp` needs (the rest builds clients in main.ts). */
export type AuthAppConfig = Pick<
  AuthConfig,
  | 'accessTokenTtlMs'
  | 'refreshTokenTtlMs'
  | 'refreshReuseGraceMs'
  | 'trustProxy'
  | 'adminUsernames'
  | 'ipRateLimit'
  | 'passwordHashQueueLimit'
  | 'serviceTokenTtlMs'
  | 'publicUrl'
> & { jwt: Pick<AuthConfig['jwt'], 'issuer' | 'audience'> };

/** The Postgres schema auth-service owns. */
export const AUTH_DB_SCHEMA = 'auth';
