// chat-service on the embedded parts: its schema in the embedded Postgres, Socket.IO with the
// in-memory adapter (one process holds every socket), the in-process event bus, and tokens
// verified against auth's key set in memory. Its archive client calls archive-service through
// the gateway, with a client-credentials token from auth-service, exactly as in the cluster.
import { createApp, type ChatApp } from '@falablau/chat/dist/app.js';
import type { ArchiveConfig as ChatArchiveLink } from '@falablau/chat/dist/archive/archive.config.js';
import { CHAT_DB_SCHEMA, type ChatConfig } from '@falablau/chat/dist/config.js';
import type { ChatDb } from '@falablau/chat/dist/db/schema.js';
import { createRealtime } from '@falablau/chat/dist/realtime/index.js';
import type { SigningKeys } from '@falablau/auth/dist/tokens/signing-keys.js';
import {
  createAccessTokenVerifier,
  createMetrics,
  type EmbeddedPostgres,
  type EventBus,
  type Logger,
  type Metrics,
} from '@falablau/common';

export interface ChatPart {
  chat: ChatApp;
  metrics: Metrics;
}

export interface ChatWiring {
  config: ChatConfig;
  logger: Logger;
  postgres: EmbeddedPostgres;
  eventBus: EventBus;
  /** auth-service's public keys (its JWKS), in memory: no HTTP round trip to verify a token. */
  jwks: SigningKeys['jwks'];
  /** How chat reaches archive-service and auth's token endpoint: through the gateway. */
  archive: ChatArchiveLink;
}

export async function startChat(wiring: ChatWiring): Promise<ChatPart> {
  const { config, logger } = wiring;
  const metrics = createMetrics({ service: 'chat', defaultMetrics: false });
  const chat = await createApp({
    config: { ...config, archive: wiring.archive },
    logger,
    metrics,
    db: wiring.postgres.database<ChatDb>(CHAT_DB_SCHEMA),
    eventBus: wiring.eventBus,
    verifier: createAccessTokenVerifier({
      keySet: wiring.jwks,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    }),
    createRealtime,
    serverUrl: '/api/chat',
  });
  // start() migrates, starts realtime, the relay and the mover, and listens: on a loopback port
  // nobody uses, since the gateway hands requests to the server directly.
  await chat.start(0, '127.0.0.1');
  return { chat, metrics };
}
