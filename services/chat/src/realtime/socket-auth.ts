// The handshake: a socket is accepted only with a valid access token in `auth.token` whose
// session has not been revoked. The refusal reaches the client as `connect_error` with a
// message saying what to do and `data.code` = UNAUTHORIZED. An accepted socket is closed when
// its token expires; the client then connects again with a fresh token and replays with afterSeq.
import { isAppError, type AccessTokenVerifier } from '@falablau/common';
import type { ExtendedError } from 'socket.io';
import type { ChatSocket } from './socket-types.js';

export interface SocketAuthOptions {
  verifier: AccessTokenVerifier;
  isRevoked: (sessionId: string) => boolean;
  /** The process is shutting down: the client should connect again (to another replica). */
  isClosing?: () => boolean;
  onRefused?: (reason: RefusalReason) => void;
  now?: () => number;
}

export type RefusalReason = 'no-token' | 'invalid-token' | 'expired' | 'revoked' | 'closing';

/** Longer than any token we issue; anything longer is not worth verifying. */
const maxTokenLength = 8 * 1024;

function refusal(message: string): ExtendedError {
  const error: ExtendedError = new Error(message);
  error.data = { code: 'UNAUTHORIZED' };
  return error;
}

export function socketAuth({
  verifier,
  isRevoked,
  isClosing = () => false,
  onRefused,
  now = Date.now,
}: SocketAuthOptions) {
  const refuse = (reason: RefusalReason, message: string): ExtendedError => {
    onRefused?.(reason);
    return refusal(message);
  };

  return (socket: ChatSocket, next: (err?: ExtendedError) => void): void => {
    if (isClosing()) {
      next(refuse('closing', 'Server is shutting down: connect again'));
      return;
    }
    const auth: unknown = socket.handshake.auth;
    const token: unknown =
      typeof auth === 'object' && auth !== null
        ? (auth as Record<string, unknown>).token
        : undefined;
    if (typeof token !== 'string' || token === '' || token.length > maxTokenLength) {
      next(refuse('no-token', 'Authentication required: send the access token as auth.token'));
      return;
    }
    verifier.verify(token).then(
      (user) => {
        // The verifier tolerates a few seconds of clock skew; a socket needs time left to live.
        if (user.expiresAt.getTime() <= now()) {
          next(refuse('expired', 'Access token expired: refresh it and connect again'));
        } else if (isRevoked(user.sessionId)) {
          next(refuse('revoked', 'Session ended: log in again'));
        } else {
          socket.data.user = user;
          // Verified: the token need not stay in memory for the life of the connection.
          delete (auth as Record<string, unknown>).token;
          next();
        }
      },
      (error: unknown) => {
        const message = isAppError(error) ? error.message : 'Invalid access token';
        const expired = /expired/i.test(message);
        next(
          refuse(
            expired ? 'expired' : 'invalid-token',
            expired ? 'Access token expired: refresh it and connect again' : message,
          ),
        );
      },
    );
  };
}

/**
 * Closes sockets whose token has expired, all of them from one timer: a sweep every
 * `intervalMs` (1 s) over the process's sockets, rather than a timer per socket (memory that tens
 * of thousands of idle sockets multiply; docs/performance.md, P1). Server-side close ("io server
 * disconnect"): clients do not reconnect on their own, they refresh the token first (see
 * docs/chat-realtime.md). `socket.data.closedBy` then says 'token expired'.
 */
export function startExpirySweep(
  sockets: () => Iterable<ChatSocket>,
  { intervalMs = 1_000, now = Date.now }: { intervalMs?: number; now?: () => number } = {},
): { stop: () => void } {
  const timer = setInterval(() => {
    const at = now();
    for (const socket of sockets()) {
      if (socket.data.user.expiresAt.getTime() <= at && socket.connected) {
        socket.data.closedBy = 'token expired';
        socket.disconnect(true);
      }
    }
  }, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
    },
  };
}
