// Sessions: login starts one (a refresh-token family), /refresh rotates its refresh token,
// /logout ends it. Reading the flow top to bottom is the spec:
//
// Refresh rotation — every refresh token is single-use. The first /refresh with a token marks it
// rotated and returns a new pair. All refreshes, reuse checks and logouts of one family run under
// a row lock on its session, so two concurrent refreshes of the same token are serialised: exactly
// one wins. The loser then finds the token rotated moments ago (within REFRESH_REUSE_GRACE) and
// gets 401 REFRESH_TOKEN_ROTATED *without* revoking the family — a benign race (two tabs, a
// retried request), not theft. A rotated token presented after the grace window is treated as
// stolen: the whole family is revoked (the thief's and the victim's tokens alike) and
// `session.revoked` (reason refresh_reuse) is published.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '@falablau/common';
import type { AuthDb, RevocationReason } from '../db/schema.js';
import type { AccessTokenSigner } from '../tokens/access-token.signer.js';
import { hashRefreshToken, newRefreshToken } from '../tokens/refresh-token.js';
import type { User } from '../users/user.repository.js';
import type { RevocationPublisher } from './revocation.publisher.js';
import { sessionRepository } from './session.repository.js';

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  sessionId: string;
  user: Pick<User, 'id' | 'username' | 'role'>;
}

export type RefreshOutcome = 'rotated' | 'race' | 'reuse' | 'invalid';

export interface SessionService {
  /** Starts a new session for a freshly authenticated user. */
  start: (user: Pick<User, 'id' | 'username' | 'role'>) => Promise<TokenPair>;
  /** Exchanges a refresh token for a new pair (see the rotation rules above); 401 otherwise. */
  refresh: (refreshToken: string) => Promise<TokenPair>;
  /** Ends a session; idempotent. Resolves once the revocation is published (or queued for retry). */
  revoke: (sessionId: string, reason: RevocationReason) => Promise<void>;
  /** Ends the session a refresh token belongs to (logout without an access token). */
  revokeByRefreshToken: (refreshToken: string, reason: RevocationReason) => Promise<void>;
  isActive: (sessionId: string) => Promise<boolean>;
  /** 401 unless the session is live (an access token outlives a logout by up to its TTL). */
  assertActive: (sessionId: string) => Promise<void>;
}

export interface SessionServiceOptions {
  db: Kysely<AuthDb>;
  signer: AccessTokenSigner;
  revocations: RevocationPublisher;
  clock: () => Date;
  refreshTokenTtlMs: number;
  refreshReuseGraceMs: number;
  /** Longest a request waits for the revocation event to be published before answering anyway. */
  publishWaitMs?: number;
  onRefresh?: (outcome: RefreshOutcome) => void;
}

const invalidRefreshToken = () =>
  new AppError(401, 'UNAUTHORIZED', 'Invalid or expired refresh token', {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });

export function createSessionService(options: SessionServiceOptions): SessionService {
  const { db, signer, revocations, clock, refreshTokenTtlMs, refreshReuseGraceMs } = options;
  const publishWaitMs = options.publishWaitMs ?? 3_000;
  const record = (outcome: RefreshOutcome) => options.onRefresh?.(outcome);

  async function issuePair(
    user: Pick<User, 'id' | 'username' | 'role'>,
    sessionId: string,
    refreshToken: string,
    refreshTokenExpiresAt: Date,
  ): Promise<TokenPair> {
    const access = await signer.sign({
      userId: user.id,
      username: user.username,
      role: user.role,
      sessionId,
    });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt,
      sessionId,
      user: { id: user.id, username: user.username, role: user.role },
    };
  }

  /** Publishes the revocation now, but never holds the request longer than publishWaitMs. */
  async function announce(sessionId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, publishWaitMs);
    });
    await Promise.race([revocations.flush(sessionId), gaveUp]);
    clearTimeout(timer);
  }

  type RefreshResult =
    | { outcome: 'rotated'; pair: Omit<TokenPair, 'accessToken' | 'accessTokenExpiresAt'> }
    | { outcome: 'race' | 'reuse' | 'invalid'; sessionId?: string };

  return {
    start: async (user) => {
      const now = clock();
      const sessionId = randomUUID();
      const refresh = newRefreshToken();
      const expiresAt = new Date(now.getTime() + refreshTokenTtlMs);
      await db.transaction().execute(async (trx) => {
        await sessionRepository.insertSession(trx, {
          id: sessionId,
          userId: user.id,
          createdAt: now,
          expiresAt,
        });
        await sessionRepository.insertRefreshToken(trx, {
          hash: refresh.hash,
          sessionId,
          issuedAt: now,
          expiresAt,
        });
      });
      return issuePair(user, sessionId, refresh.token, expiresAt);
    },

    refresh: async (refreshToken) => {
      const hash = hashRefreshToken(refreshToken);
      const result = await db.transaction().execute(async (trx): Promise<RefreshResult> => {
        const family = await sessionRepository.lockFamilyOfToken(trx, hash);
        if (!family || family.revokedAt !== null) return { outcome: 'invalid' };
        const token = await sessionRepository.findRefreshToken(trx, hash);
        const now = clock();
        if (!token || token.expiresAt <= now) return { outcome: 'invalid' };

        if (token.rotatedAt !== null) {
          if (now.getTime() - token.rotatedAt.getTime() <= refreshReuseGraceMs) {
            return { outcome: 'race' };
          }
          await sessionRepository.revoke(trx, family.sessionId, 'refresh_reuse', now);
          return { outcome: 'reuse', sessionId: family.sessionId };
        }

        const next = newRefreshToken();
        const expiresAt = new Date(now.getTime() + refreshTokenTtlMs);
        await sessionRepository.markRotated(trx, hash, now);
        await sessionRepository.insertRefreshToken(trx, {
          hash: next.hash,
          sessionId: family.sessionId,
          issuedAt: now,
          expiresAt,
        });
        await sessionRepository.extendSession(trx, family.sessionId, now, expiresAt);
        return {
          outcome: 'rotated',
          pair: {
            refreshToken: next.token,
            refreshTokenExpiresAt: expiresAt,
            sessionId: family.sessionId,
            user: { id: family.userId, username: family.username, role: family.role },
          },
        };
      });

      record(result.outcome);
      switch (result.outcome) {
        case 'rotated': {
          const { user, sessionId, refreshToken: token, refreshTokenExpiresAt } = result.pair;
          return issuePair(user, sessionId, token, refreshTokenExpiresAt);
        }
        case 'race':
          throw new AppError(
            401,
            'REFRESH_TOKEN_ROTATED',
            'This refresh token was just exchanged by another request; use the newest tokens',
          );
        case 'reuse':
          if (result.sessionId !== undefined) await announce(result.sessionId);
          throw invalidRefreshToken();
        case 'invalid':
          throw invalidRefreshToken();
      }
    },

    revoke: async (sessionId, reason) => {
      const revoked = await sessionRepository.revoke(db, sessionId, reason, clock());
      if (revoked) await announce(sessionId);
    },

    revokeByRefreshToken: async (refreshToken, reason) => {
      const token = await sessionRepository.findRefreshToken(db, hashRefreshToken(refreshToken));
      if (!token) throw invalidRefreshToken();
      const revoked = await sessionRepository.revoke(db, token.sessionId, reason, clock());
      if (revoked) await announce(token.sessionId);
    },

    isActive: (sessionId) => sessionRepository.isActive(db, sessionId, clock()),

    assertActive: async (sessionId) => {
      if (!(await sessionRepository.isActive(db, sessionId, clock()))) {
        throw new AppError(401, 'UNAUTHORIZED', 'The session has ended', {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
    },
  };
}
