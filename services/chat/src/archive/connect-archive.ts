// Wires the archive parts from the configuration: the service-token provider, the archive-service
// client, the history continuation MessageService reads through, and the mover.
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Logger } from '@falablau/common';
import type { ChatDb } from '../db/schema.js';
import type { ArchiveConfig } from './archive.config.js';
import { createArchiveMoverMetrics } from './archive.metrics.js';
import { ARCHIVE_SCOPES, createArchiveClient, type ArchiveClient } from './archive-client.js';
import { createArchiveMover, type ArchiveMover } from './archive-mover.js';
import { createArchivedHistory, type ArchivedHistory } from './archived-history.js';
import { createServiceTokenProvider } from './service-token-provider.js';

export interface ArchiveLink {
  client: ArchiveClient;
  history: ArchivedHistory;
  mover: ArchiveMover;
}

export interface ConnectArchiveDeps {
  db: Kysely<ChatDb>;
  logger: Logger;
  registry: Registry;
}

export function connectArchive(config: ArchiveConfig, deps: ConnectArchiveDeps): ArchiveLink {
  const logger = deps.logger.child({ component: 'archive' });
  const tokens = createServiceTokenProvider({
    tokenEndpoint: config.tokenEndpoint,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: ARCHIVE_SCOPES,
    timeoutMs: config.requestTimeoutMs,
    logger,
  });
  const client = createArchiveClient({
    baseUrl: config.url,
    tokens,
    timeoutMs: config.requestTimeoutMs,
    logger,
  });
  const mover = createArchiveMover({
    db: deps.db,
    archive: client,
    logger: deps.logger.child({ component: 'archive-mover' }),
    metrics: createArchiveMoverMetrics(deps.registry),
    hotRetentionMs: config.hotRetentionMs,
    intervalMs: config.moveIntervalMs,
    batchSize: config.moveBatchSize,
  });
  return { client, history: createArchivedHistory(client), mover };
}
