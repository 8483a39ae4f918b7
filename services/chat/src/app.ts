// chat-service as a value: `createApp(deps)` wires services, routes, the outbox relay, the
// archive mover (when an archive is configured) and the realtime layer onto clients it is given,
// so tests run it in-process on port 0 against real servers, and main.ts only builds clients from
// the configuration.
import type { Server } from 'node:http';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import {
  createHttpApp,
  createMetrics,
  dbReadiness,
  migrateToLatest,
  type AccessTokenVerifier,
  type EventBus,
  type HttpApp,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@falablau/common';
import type { ArchiveMover } from './archive/archive-mover.js';
import { connectArchive } from './archive/connect-archive.js';
import { CHAT_DB_SCHEMA, type ChatAppConfig } from './config.js';
import { chatMigrations } from './db/migrations/index.js';
import type { ChatDb } from './db/schema.js';
import { createMessageMetrics } from './messages/message.metrics.js';
import { createMessageService, type MessageService } from './messages/message.service.js';
import { countBacklog } from './outbox/outbox-batch.js';
import { createOutboxRelay, type OutboxRelay } from './outbox/outbox-relay.js';
import { createOutboxMetrics } from './outbox/outbox.metrics.js';
import type { RealtimeConfig } from './realtime/realtime.config.js';
import {
  createRoomCreationLimiter,
  DEFAULT_ROOM_CREATE_RATE_LIMIT,
  roomsEnvShape,
} from './rooms/room-creation-limit.js';
import { createRoomService, type RoomService } from './rooms/room.service.js';
import { registerChatRoutes } from './routes/index.js';

// ── The seam to src/realtime (Socket.IO, presence, revocation) ───────────────────────────────
// `createRealtime` of src/realtime/index.ts has this shape; main.ts passes it in. Keep the two in
// step (the compiler checks it where main.ts hands one to the other).

export interface RealtimeDeps {
  /** The HTTP server Fastify listens with; Socket.IO attaches to it (same port, /socket.io/). */
  httpServer: Server;
  logger: Logger;
  metrics: Metrics;
  verifier: AccessTokenVerifier;
  corsOrigins: string[];
  rooms: RoomService;
  messages: MessageService;
  eventBus: EventBus;
  /** The Redis adapter's clients; absent = in-memory adapter (one process only). */
  redis?: { pub: Redis; sub: Redis };
  instanceId: string;
  config: RealtimeConfig;
}

export interface Realtime {
  /** Joins the presence and revocation feeds; resolves when sockets may be accepted. */
  start(): Promise<void>;
  /** Disconnects every socket (clients reconnect to another replica) and leaves the feeds. */
  close(): Promise<void>;
  /** Online anywhere in the cluster. */
  isOnline(userId: string): boolean;
  onlineCount(userIds: string[]): number;
}

export type RealtimeFactory = (deps: RealtimeDeps) => Realtime;

/** No sockets at all: REST-only tests, tools. Nobody is online. */
const withoutRealtime: RealtimeFactory = () => ({
  start: async () => undefined,
  close: async () => undefined,
  isOnline: () => false,
  onlineCount: () => 0,
});

// ── The app ───────────────────────────────────────────────────────────────────────────────────

export interface ChatAppDeps {
  config: ChatAppConfig;
  logger: Logger;
  /** Defaults to a fresh registry (several apps may share a process in tests and standalone). */
  metrics?: Metrics;
  db: Kysely<ChatDb>;
  eventBus: EventBus;
  verifier: AccessTokenVerifier;
  redis?: { pub: Redis; sub: Redis };
  /** src/realtime's createRealtime; omitted = no Socket.IO (REST only). */
  createRealtime?: RealtimeFactory;
  /** Prefix under which the routes are also reachable (the standalone gateway's `/api/chat`). */
  serverUrl?: string;
}

export interface ChatApp {
  http: HttpApp;
  rooms: RoomService;
  messages: MessageService;
  relay: OutboxRelay;
  /** Moves old messages to archive-service; absent without an archive in the configuration. */
  mover?: ArchiveMover;
  realtime: Realtime;
  metrics: Metrics;
  /** Migrates the schema, starts realtime and the relay, then listens (port 0 = any free port). */
  start(port?: number, host?: string): Promise<{ port: number }>;
  /** Stops accepting, closes sockets, finishes in-flight work. Leaves the injected clients open. */
  close(): Promise<void>;
}

function readinessChecks(deps: ChatAppDeps): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    dbReadiness(deps.db),
    { name: 'kafka', check: () => deps.eventBus.ready() },
  ];
  const { redis } = deps;
  if (redis) {
    checks.push({
      name: 'redis',
      check: async () => {
        // Both: broadcasts need the publisher, receiving them the subscriber.
        await Promise.all([redis.pub.ping(), redis.sub.ping()]);
      },
    });
  }
  return checks;
}

export async function createApp(deps: ChatAppDeps): Promise<ChatApp> {
  const { config, logger, db, eventBus, verifier } = deps;
  const metrics = deps.metrics ?? createMetrics({ service: 'chat', defaultMetrics: false });

  const relay = createOutboxRelay({
    db,
    eventBus,
    logger: logger.child({ component: 'outbox' }),
    metrics: createOutboxMetrics(metrics.registry, () => countBacklog(db)),
    ...config.outbox,
  });
  const rooms = createRoomService({ db, membershipCacheTtlMs: config.membershipCacheTtlMs });
  const archive = config.archive
    ? connectArchive(config.archive, { db, logger, registry: metrics.registry })
    : undefined;
  const messages = createMessageService({
    db,
    metrics: createMessageMetrics(metrics.registry),
    // Publish at once rather than at the next sweep: consumers see messages within milliseconds.
    afterStore: () => {
      relay.wake();
    },
    // History and replays continue there below the oldest message Postgres still holds.
    archive: archive?.history,
  });

  const http = await createHttpApp({
    name: 'chat',
    logger,
    metrics,
    readiness: readinessChecks(deps),
    trustProxy: config.trustProxy,
    serverUrl: deps.serverUrl,
    openapi: {
      title: 'FalaBLAU chat-service',
      version: '1.0.0',
      description:
        'Rooms and message history. Real-time messaging is Socket.IO on the same port ' +
        '(`join_room`, `leave_room`, `send_message`, `typing`).',
    },
  });

  const realtime = (deps.createRealtime ?? withoutRealtime)({
    httpServer: http.server,
    logger: logger.child({ component: 'realtime' }),
    metrics,
    verifier,
    corsOrigins: config.corsOrigins,
    rooms,
    messages,
    eventBus,
    redis: deps.redis,
    instanceId: config.instanceId,
    config: config.realtime,
  });

  const roomCreation = createRoomCreationLimiter({
    limit:
      config.roomCreateRateLimit ??
      roomsEnvShape.ROOM_CREATE_RATE_LIMIT.parse(DEFAULT_ROOM_CREATE_RATE_LIMIT),
    redis: deps.redis?.pub,
    keyPrefix: config.realtime.redisKeyPrefix,
  });
  registerChatRoutes(http, { rooms, messages, verifier, presence: realtime, roomCreation });
  // Fastify has already stopped routing new requests (503) when preClose runs; sockets go next,
  // before the server waits for its remaining connections, which open sockets would hold.
  http.addHook('preClose', async () => {
    await realtime.close();
  });

  let closing: Promise<void> | undefined;

  return {
    http,
    rooms,
    messages,
    relay,
    mover: archive?.mover,
    realtime,
    metrics,

    async start(port = 0, host = '127.0.0.1') {
      await migrateToLatest(db, chatMigrations, { schema: CHAT_DB_SCHEMA, logger });
      await realtime.start();
      relay.start();
      archive?.mover.start();
      await http.listen({ port, host });
      const address = http.server.address();
      return { port: typeof address === 'object' && address !== null ? address.port : port };
    },

    close() {
      closing ??= (async () => {
        await http.close();
        // The relay goes last: messages stored by requests that were still finishing get their
        // immediate publish; whatever remains is published by the next replica's sweep. The
        // mover finishes its batch in flight; the next run (any replica's) does the rest.
        await Promise.all([relay.stop(), archive?.mover.stop()]);
      })();
      return closing;
    },
  };
}
