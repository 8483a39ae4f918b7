// auth.sessions.v1 → this process: when a session is revoked (logout, refresh-token theft, an
// operator), its sockets here are closed at once and its tokens refused at the handshake until
// they would have expired anyway. Every process consumes in its own group, so each one closes
// its own sockets; no process has to reach into another.
import { authSessionsTopic, type EventBus, type Logger, type Subscription } from '@falablau/common';
import { ownGroupId } from '../presence/own-group.js';
import { createRevokedSessions } from './revoked-sessions.js';

export interface RevocationListenerOptions {
  eventBus: EventBus;
  instanceId: string;
  logger: Logger;
  revokedSessionTtlMs: number;
  /** Closes the session's sockets on this process; returns how many there were. */
  closeSession: (sessionId: string) => number;
}

export interface RevocationListener {
  start(): Promise<void>;
  isRevoked(sessionId: string): boolean;
  close(): Promise<void>;
}

export function createRevocationListener({
  eventBus,
  instanceId,
  logger,
  revokedSessionTtlMs,
  closeSession,
}: RevocationListenerOptions): RevocationListener {
  const revoked = createRevokedSessions({ ttlMs: revokedSessionTtlMs });
  let subscription: Subscription | undefined;

  return {
    async start() {
      subscription = await eventBus.subscribe(authSessionsTopic, {
        // From the latest offset: sessions revoked before this process started are not known
        // here (their sockets were on other processes, which closed them).
        groupId: ownGroupId('chat-revocation', instanceId),
        fromBeginning: false,
        handleBatch: async (events) => {
          for (const { data } of events) {
            revoked.add(data.sessionId);
            const closed = closeSession(data.sessionId);
            if (closed > 0) {
              logger.info(
                { sessionId: data.sessionId, userId: data.userId, reason: data.reason, closed },
                'session revoked: sockets closed',
              );
            }
          }
        },
      });
    },
    isRevoked: (sessionId) => revoked.has(sessionId),
    async close() {
      await subscription?.stop();
      subscription = undefined;
    },
  };
}
