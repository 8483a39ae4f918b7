// Sessions (refresh-token families) and their refresh tokens in Postgres. Methods take the
// executor to run on, so the session service can group them in one transaction.
import type { Kysely, Transaction } from 'kysely';
import type { Role } from '@falablau/common';
import type { AuthDb, RevocationReason } from '../db/schema.js';

type Executor = Kysely<AuthDb> | Transaction<AuthDb>;

export interface LockedFamily {
  sessionId: string;
  userId: string;
  username: string;
  role: Role;
  revokedAt: Date | null;
}

export interface StoredRefreshToken {
  sessionId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
}

export interface Revocation {
  sessionId: string;
  userId: string;
  reason: RevocationReason;
  revokedAt: Date;
}

export const sessionRepository = {
  async insertSession(
    db: Executor,
    session: { id: string; userId: string; createdAt: Date; expiresAt: Date },
  ): Promise<void> {
    await db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      })
      .execute();
  },

  async insertRefreshToken(
    db: Executor,
    token: { hash: string; sessionId: string; issuedAt: Date; expiresAt: Date },
  ): Promise<void> {
    await db
      .insertInto('refresh_tokens')
      .values({
        token_hash: token.hash,
        session_id: token.sessionId,
        issued_at: token.issuedAt,
        expires_at: token.expiresAt,
      })
      .execute();
  },

  /**
   * Locks the session (family) a refresh token belongs to, serialising every refresh, reuse
   * check and logout of that family across replicas. Undefined for an unknown token.
   */
  async lockFamilyOfToken(
    db: Transaction<AuthDb>,
    tokenHash: string,
  ): Promise<LockedFamily | undefined> {
    const row = await db
      .selectFrom('refresh_tokens as rt')
      .innerJoin('sessions as s', 's.id', 'rt.session_id')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id', 's.user_id', 's.revoked_at', 'u.username', 'u.role'])
      .where('rt.token_hash', '=', tokenHash)
      .forUpdate('s')
      .executeTakeFirst();
    return (
      row && {
        sessionId: row.id,
        userId: row.user_id,
        username: row.username,
        role: row.role,
        revokedAt: row.revoked_at,
      }
    );
  },

  /** Reads a token; inside the family lock this sees every committed rotation. */
  async findRefreshToken(db: Executor, tokenHash: string): Promise<StoredRefreshToken | undefined> {
    const row = await db
      .selectFrom('refresh_tokens')
      .select(['session_id', 'expires_at', 'rotated_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return (
      row && { sessionId: row.session_id, expiresAt: row.expires_at, rotatedAt: row.rotated_at }
    );
  },

  async markRotated(db: Executor, tokenHash: string, at: Date): Promise<void> {
    await db
      .updateTable('refresh_tokens')
      .set({ rotated_at: at })
      .where('token_hash', '=', tokenHash)
      .execute();
  },

  async extendSession(db: Executor, sessionId: string, at: Date, expiresAt: Date): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ last_refreshed_at: at, expires_at: expiresAt })
      .where('id', '=', sessionId)
      .execute();
  },

  /** Revokes a live session; undefined when it was already revoked (or does not exist). */
  async revoke(
    db: Executor,
    sessionId: string,
    reason: RevocationReason,
    at: Date,
  ): Promise<Revocation | undefined> {
    const row = await db
      .updateTable('sessions')
      .set({ revoked_at: at, revoked_reason: reason })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .returning(['id', 'user_id'])
      .executeTakeFirst();
    return row && { sessionId: row.id, userId: row.user_id, reason, revokedAt: at };
  },

  /** Is the session live (exists, not revoked, not expired) at `now`? */
  async isActive(db: Executor, sessionId: string, now: Date): Promise<boolean> {
    const row = await db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row !== undefined;
  },

  /**
   * Revocations not yet on the event bus, locked so that concurrent publishers (other replicas)
   * skip them instead of publishing twice.
   */
  async lockUnpublishedRevocations(
    db: Transaction<AuthDb>,
    limit: number,
    sessionId?: string,
  ): Promise<Revocation[]> {
    let query = db
      .selectFrom('sessions')
      .select(['id', 'user_id', 'revoked_at', 'revoked_reason'])
      .where('revoked_at', 'is not', null)
      .where('revocation_published_at', 'is', null);
    if (sessionId !== undefined) query = query.where('id', '=', sessionId);
    const rows = await query.orderBy('revoked_at').limit(limit).forUpdate().skipLocked().execute();
    return rows.flatMap((row) =>
      row.revoked_at && row.revoked_reason
        ? [
            {
              sessionId: row.id,
              userId: row.user_id,
              reason: row.revoked_reason,
              revokedAt: row.revoked_at,
            },
          ]
        : [],
    );
  },

  async markRevocationsPublished(db: Executor, sessionIds: string[], at: Date): Promise<void> {
    if (sessionIds.length === 0) return;
    await db
      .updateTable('sessions')
      .set({ revocation_published_at: at })
      .where('id', 'in', sessionIds)
      .execute();
  },

  /** Drops families whose last refresh token expired long ago (they can never be used again). */
  async deleteExpired(db: Executor, before: Date): Promise<number> {
    const result = await db
      .deleteFrom('sessions')
      .where('expires_at', '<', before)
      // A revocation still waiting for the event bus stays until it is published.
      .where((eb) =>
        eb.or([eb('revoked_at', 'is', null), eb('revocation_published_at', 'is not', null)]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};
