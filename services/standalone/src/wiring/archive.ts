// archive-service on the embedded parts: the archive as a JSONB table in the embedded Postgres
// (no MongoDB), fed by the in-process event bus and by chat's mover through the gateway.
import { createApp, type ArchiveApp } from '@falablau/archive/dist/app.js';
import type { ArchiveConfig } from '@falablau/archive/dist/config.js';
import {
  ARCHIVE_PG_SCHEMA,
  type ArchivePgDb,
} from '@falablau/archive/dist/store/pg/pg-archive-schema.js';
import { createPgArchiveStore } from '@falablau/archive/dist/store/pg/pg-archive-store.js';
import type { SigningKeys } from '@falablau/auth/dist/tokens/signing-keys.js';
import {
  createCallerVerifier,
  createMetrics,
  type EmbeddedPostgres,
  type EventBus,
  type Logger,
  type Metrics,
} from '@falablau/common';

export interface ArchivePart {
  archive: ArchiveApp;
  metrics: Metrics;
}

export interface ArchiveWiring {
  config: ArchiveConfig;
  logger: Logger;
  postgres: EmbeddedPostgres;
  eventBus: EventBus;
  /** auth-service's public keys (its JWKS), in memory: no HTTP round trip to verify a token. */
  jwks: SigningKeys['jwks'];
}

export async function startArchive(wiring: ArchiveWiring): Promise<ArchivePart> {
  const { config, logger } = wiring;
  const metrics = createMetrics({ service: 'archive', defaultMetrics: false });
  const archive = await createApp({
    config,
    logger,
    metrics,
    store: createPgArchiveStore({
      db: wiring.postgres.database<ArchivePgDb>(ARCHIVE_PG_SCHEMA),
      logger,
    }),
    eventBus: wiring.eventBus,
    verifier: createCallerVerifier({
      keySet: wiring.jwks,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    }),
    serverUrl: '/api/archive',
  });
  // Creates the table, starts retention and ingest, and listens on an unused loopback port.
  await archive.start(0, '127.0.0.1');
  return { archive, metrics };
}
