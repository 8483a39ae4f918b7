// The realtime layer of chat-service: Socket.IO on the service's HTTP server (path /socket.io),
// cluster-wide presence over chat.sessions.v1, and session revocation from auth.sessions.v1.
// createApp (app.ts) calls createRealtime with the clients and services it built.
//
// Connection-state recovery is deliberately off: its recovered sockets skip the middlewares
// (no token check) and its buffer lives in one process. Clients replay with
// `join_room {afterSeq}` instead, which is served from the database and works across processes.
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import type { Realtime, RealtimeDeps } from '../app.js';
import { createPresenceFanout } from '../presence/presence-fanout.js';
import { createPresence } from '../presence/presence.service.js';
import { createRevocationListener } from '../revocation/revocation.listener.js';
import { createEventListener, registerHandlers, type EventHandlers } from './event-dispatch.js';
import { createMessageHandlers } from './message.handlers.js';
import { createOriginPolicy } from './origin-policy.js';
import { createRateLimits } from './rate-limits.js';
import { assertRealtimeConfig } from './realtime.config.js';
import { createRealtimeMetrics } from './realtime.metrics.js';
import { releaseUpgradeRequest } from './release-upgrade.js';
import { createRoomHandlers } from './room.handlers.js';
import { socketAuth, startExpirySweep } from './socket-auth.js';
import { channels, type ChatServer, type ChatSocket } from './socket-types.js';
import { createTypingHandlers } from './typing.handlers.js';
import { createTypingThrottle } from './typing-throttle.js';

export type { Realtime, RealtimeDeps } from '../app.js';
export type { RealtimeConfig } from './realtime.config.js';
export { realtimeConfigSchema, realtimeEnvShape, toRealtimeConfig } from './realtime.config.js';

/** Largest message a client may send (WebSocket frame or polling body); bigger ones close it. */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

export function createRealtime(deps: RealtimeDeps): Realtime {
  const { httpServer, logger, verifier, rooms, messages, eventBus, redis, instanceId, config } =
    deps;
  assertRealtimeConfig(config);
  const judgeOrigin = createOriginPolicy(deps.corsOrigins);
  let closing = false;

  // Gauges are read at scrape time, when `io` and `presence` below exist.
  const metrics = createRealtimeMetrics(deps.metrics.registry, {
    connectedSockets: () => io.of('/').sockets.size,
    presence: () => presence.viewSize(),
  });

  const io: ChatServer = new Server(httpServer, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    // Both transports are accepted; clients try WebSocket first and fall back to long-polling.
    transports: ['websocket', 'polling'],
    // For the polling transport's XHRs; WebSockets are checked in allowRequest.
    cors: { origin: deps.corsOrigins, credentials: false },
    allowRequest: (req, answer) => {
      if (closing) {
        metrics.handshakesRefused.inc({ reason: 'closing' });
        answer('Server is shutting down', false);
        return;
      }
      if (judgeOrigin(req) === 'refused') {
        metrics.handshakesRefused.inc({ reason: 'origin' });
        answer('Origin not allowed', false);
        return;
      }
      answer(null, true);
    },
    ...(redis
      ? { adapter: createAdapter(redis.pub, redis.sub, { key: `${config.redisKeyPrefix}:io` }) }
      : {}),
  });

  // Refused handshakes (origin, shutdown, bad transport) never reach the middlewares: log why.
  io.engine.on('connection_error', (error: { code: number; message: string; context: unknown }) => {
    logger.debug(
      { code: error.code, reason: error.message, context: error.context },
      'handshake refused',
    );
  });

  const presenceFanout = createPresenceFanout({ io, rooms, logger });
  const presence = createPresence({
    eventBus,
    instanceId,
    logger: logger.child({ component: 'presence' }),
    heartbeatIntervalMs: config.presenceHeartbeatMs,
    leaseMs: config.presenceLeaseMs,
    offlineGraceMs: config.presenceOfflineGraceMs,
    onChange: (changes) => {
      presenceFanout.publish(changes);
    },
  });

  const revocation = createRevocationListener({
    eventBus,
    instanceId,
    logger: logger.child({ component: 'revocation' }),
    revokedSessionTtlMs: config.revokedSessionTtlMs,
    closeSession: (sessionId) => {
      metrics.sessionsRevoked.inc();
      // Every process gets the event: each closes its own sockets, no Redis round-trip.
      const sockets = io.of('/').adapter.rooms.get(channels.session(sessionId))?.size ?? 0;
      if (sockets > 0) {
        metrics.disconnects.inc({ reason: 'session revoked' }, sockets);
        io.local.in(channels.session(sessionId)).disconnectSockets(true);
      }
      return sockets;
    },
  });

  const limits = createRateLimits({
    limits: config.rateLimits,
    redis: redis?.pub,
    keyPrefix: config.redisKeyPrefix,
  });
  const throttle = createTypingThrottle({ intervalMs: config.typingThrottleMs });
  const handlers: EventHandlers = {
    ...createRoomHandlers({
      io,
      rooms,
      messages,
      limits,
      typing: throttle,
      isOnline: (userId) => presence.isOnline(userId),
      membershipChanged: (userId) => {
        presenceFanout.invalidate(userId);
      },
    }),
    ...createMessageHandlers({ messages, limits, metrics }),
    ...createTypingHandlers({ rooms, limits, throttle }),
  };
  const onEvent = createEventListener(handlers, { logger, metrics });

  io.use(
    socketAuth({
      verifier,
      isRevoked: (sessionId) => revocation.isRevoked(sessionId),
      isClosing: () => closing,
      onRefused: (reason) => {
        metrics.handshakesRefused.inc({ reason });
      },
    }),
  );

  // Every delivery of a room message, whichever process stored it (the Redis adapter hands remote
  // broadcasts to the same per-socket outgoing listeners): the fan-out latency users feel.
  const observeFanout = (event: string, ...args: unknown[]): void => {
    if (event !== 'message') return;
    const createdAt = (args[0] as { createdAt?: unknown } | undefined)?.createdAt;
    if (typeof createdAt !== 'string') return;
    const elapsedMs = Date.now() - Date.parse(createdAt);
    if (elapsedMs >= 0) metrics.fanout.observe(elapsedMs / 1000);
  };

  // Listeners shared by every socket (called with the socket as `this`): a connection holds no
  // closures of its own, memory that tens of thousands of idle sockets multiply.
  function onDisconnect(this: ChatSocket, reason: string): void {
    presence.socketDisconnected(this.id, this.data.user.userId);
    metrics.disconnects.inc({ reason: this.data.closedBy ?? reason });
  }

  const expirySweep = startExpirySweep(() => io.of('/').sockets.values());

  io.on('connection', (socket) => {
    const { user } = socket.data;
    // A revocation may have arrived while the token was being verified.
    if (closing || revocation.isRevoked(user.sessionId)) {
      socket.disconnect(true);
      return;
    }
    // Neither the upgrade request nor its headers are needed after the handshake (origin and
    // token are checked); Engine.IO would keep both for the life of the connection.
    releaseUpgradeRequest(socket);
    void socket.join([channels.user(user.userId), channels.session(user.sessionId)]);
    presence.socketConnected(socket.id, { userId: user.userId, username: user.username });
    registerHandlers(socket, onEvent);
    socket.onAnyOutgoing(observeFanout);
    socket.on('disconnect', onDisconnect);
  });

  let closed: Promise<void> | undefined;

  return {
    async start() {
      await Promise.all([presence.start(), revocation.start()]);
      logger.info({ instanceId, adapter: redis ? 'redis' : 'in-memory' }, 'realtime started');
    },

    close() {
      closed ??= (async () => {
        closing = true;
        expirySweep.stop();
        // Goodbye first: the others drop our users at once instead of after the lease.
        await presence.announceStop();
        // Closed at the transport ("transport close"), not by the server ("io server
        // disconnect"): clients reconnect by themselves, to another replica, and replay.
        io.engine.close();
        await Promise.allSettled([
          presence.close(),
          revocation.close(),
          Promise.resolve(io.of('/').adapter.close()),
        ]);
      })();
      return closed;
    },

    isOnline: (userId) => presence.isOnline(userId),
    onlineCount: (userIds) => presence.onlineCount(userIds),
  };
}
