// auth-service on the embedded parts: its schema in the embedded Postgres, failed logins counted
// in memory (one process: nothing to share), the signing key generated once under DATA_DIR.
import { createApp, type AuthApp } from '@falablau/auth/dist/app.js';
import type { ServiceClientsConfig } from '@falablau/auth/dist/clients/service-clients.js';
import { AUTH_DB_SCHEMA, type AuthConfig } from '@falablau/auth/dist/config.js';
import { authMigrations } from '@falablau/auth/dist/db/migrations/index.js';
import type { AuthDb } from '@falablau/auth/dist/db/schema.js';
import { createPasswordHasher } from '@falablau/auth/dist/passwords/password-hasher.js';
import { createMemoryLoginLimiter } from '@falablau/auth/dist/throttle/login-throttle.js';
import type { SigningKeys } from '@falablau/auth/dist/tokens/signing-keys.js';
import {
  createMetrics,
  migrateToLatest,
  type EmbeddedPostgres,
  type EventBus,
  type Logger,
  type Metrics,
} from '@falablau/common';

export interface AuthPart {
  auth: AuthApp;
  metrics: Metrics;
  /** Whether any account has the admin role (the first-start hint depends on it). */
  hasAdmin: () => Promise<boolean>;
}

export interface AuthWiring {
  config: AuthConfig;
  logger: Logger;
  postgres: EmbeddedPostgres;
  eventBus: EventBus;
  signingKeys: SigningKeys;
  serviceClients: ServiceClientsConfig;
  /** Where clients reach auth-service (`<origin>/api/auth`), for the OAuth metadata. */
  publicUrl: string;
}

export async function startAuth(wiring: AuthWiring): Promise<AuthPart> {
  const { config, logger } = wiring;
  const db = wiring.postgres.database<AuthDb>(AUTH_DB_SCHEMA);
  await migrateToLatest(db, authMigrations, { schema: AUTH_DB_SCHEMA, logger });
  const metrics = createMetrics({ service: 'auth', defaultMetrics: false });
  const auth = await createApp({
    config: { ...config, publicUrl: wiring.publicUrl },
    logger,
    metrics,
    db,
    eventBus: wiring.eventBus,
    signingKeys: wiring.signingKeys,
    loginLimiter: createMemoryLoginLimiter(config.loginThrottle),
    passwordHasher: await createPasswordHasher({ queueLimit: config.passwordHashQueueLimit }),
    serviceClients: wiring.serviceClients,
  });
  auth.start();
  await auth.app.ready();
  return {
    auth,
    metrics,
    hasAdmin: async () => {
      const admin = await db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .limit(1)
        .executeTakeFirst();
      return admin !== undefined;
    },
  };
}
