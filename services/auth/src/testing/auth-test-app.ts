// A real auth-service for tests and the login benchmark: its own throw-away database on the real
// Postgres server, migrations applied, real argon2 and signing keys. The event bus defaults to
// the in-process one (same contract as Kafka); tests that read events back from the real broker
// pass a Kafka bus in.
import type { Kysely } from 'kysely';
import type pg from 'pg';
import {
  createInProcessEventBus,
  createLogger,
  createMetrics,
  createPostgresDb,
  createPostgresPool,
  createThrowawayDatabase,
  migrateToLatest,
  type EventBus,
  type Logger,
} from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import { createApp, type AuthApp } from '../app.js';
import type { ServiceClientsConfig } from '../clients/service-clients.js';
import { AUTH_DB_SCHEMA, type AuthAppConfig } from '../config.js';
import { authMigrations } from '../db/migrations/index.js';
import type { AuthDb } from '../db/schema.js';
import { createPasswordHasher, type PasswordHasher } from '../passwords/password-hasher.js';
import { createPostgresLoginLimiter } from '../throttle/login-throttle.js';
import {
  generateSigningKeyPem,
  signingKeysFromPem,
  type SigningKeys,
} from '../tokens/signing-keys.js';

export const testIssuer = 'falablau-auth-test';
export const testAudience = 'falablau-test';

export const defaultTestConfig: AuthAppConfig = {
  jwt: { issuer: testIssuer, audience: testAudience },
  accessTokenTtlMs: 15 * 60_000,
  refreshTokenTtlMs: 30 * 24 * 3_600_000,
  refreshReuseGraceMs: 10_000,
  trustProxy: false,
  adminUsernames: [],
  ipRateLimit: { max: 10_000, windowMs: 60_000 },
  passwordHashQueueLimit: 256,
  serviceTokenTtlMs: 10 * 60_000,
  publicUrl: undefined,
};

export interface TestAppOptions {
  config?: Partial<AuthAppConfig>;
  loginThrottle?: { maxFailures: number; windowMs: number };
  eventBus?: EventBus;
  clock?: () => Date;
  signingKeys?: SigningKeys;
  passwordHasher?: PasswordHasher;
  logger?: Logger;
  /** Start the background sweeps (default true). */
  background?: boolean;
  serviceClients?: ServiceClientsConfig;
}

export interface TestAuthApp extends AuthApp {
  db: Kysely<AuthDb>;
  pool: pg.Pool;
  eventBus: EventBus;
  signingKeys: SigningKeys;
  config: AuthAppConfig;
  /** Stops the app, closes clients and drops the database. */
  dispose: () => Promise<void>;
}

export async function startTestAuthApp(options: TestAppOptions = {}): Promise<TestAuthApp> {
  const database = await createThrowawayDatabase(requireServer('DATABASE_URL'), 'auth_test');
  const logger = options.logger ?? createLogger({ name: 'auth-test', level: 'silent' });
  const pool = createPostgresPool({
    url: database.url,
    schema: AUTH_DB_SCHEMA,
    logger,
    poolSize: 20,
  });
  const db = createPostgresDb<AuthDb>({ url: database.url, schema: AUTH_DB_SCHEMA, logger, pool });
  await migrateToLatest(db, authMigrations, { schema: AUTH_DB_SCHEMA });
  const config = { ...defaultTestConfig, ...options.config };
  const eventBus = options.eventBus ?? createInProcessEventBus();
  const signingKeys = options.signingKeys ?? (await signingKeysFromPem(generateSigningKeyPem()));
  const loginLimiter = createPostgresLoginLimiter(
    pool,
    AUTH_DB_SCHEMA,
    options.loginThrottle ?? { maxFailures: 100, windowMs: 3_600_000 },
  );
  const auth = await createApp({
    config,
    logger,
    metrics: createMetrics({ service: 'auth-test', defaultMetrics: false }),
    db,
    eventBus,
    signingKeys,
    loginLimiter,
    passwordHasher: options.passwordHasher ?? (await createPasswordHasher({ queueLimit: 256 })),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.serviceClients ? { serviceClients: options.serviceClients } : {}),
    revocationSweepMs: 200,
  });
  if (options.background !== false) auth.start();
  await auth.app.ready();
  return {
    ...auth,
    db,
    pool,
    eventBus,
    signingKeys,
    config,
    dispose: async () => {
      await auth.close();
      if (!options.eventBus) await eventBus.close();
      await db.destroy();
      await database.drop();
    },
  };
}
