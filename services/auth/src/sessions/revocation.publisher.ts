// Publishes `session.revoked` on auth.sessions.v1 so chat pods close the session's sockets.
// The revocation is committed in Postgres first (the source of truth) and published right after;
// if the broker is unreachable, a background sweep retries until it succeeds — the sessions table
// doubles as an outbox, so a revocation is never silently lost. Delivery is at least once.
import type { Kysely } from 'kysely';
import { authSessionsTopic, type EventBus, type Logger } from '@falablau/common';
import type { AuthDb } from '../db/schema.js';
import { sessionRepository, type Revocation } from './session.repository.js';

export interface RevocationPublisher {
  /** Publishes pending revocations (only `sessionId`'s if given). Never throws: failures are retried later. */
  flush: (sessionId?: string) => Promise<void>;
  /** Starts the periodic retry sweep. */
  start: () => void;
  /** Stops the sweep and waits for a sweep in progress. */
  stop: () => Promise<void>;
}

export interface RevocationPublisherOptions {
  db: Kysely<AuthDb>;
  eventBus: EventBus;
  logger: Logger;
  clock: () => Date;
  sweepIntervalMs?: number;
  batchSize?: number;
}

export function createRevocationPublisher({
  db,
  eventBus,
  logger,
  clock,
  sweepIntervalMs = 5_000,
  batchSize = 100,
}: RevocationPublisherOptions): RevocationPublisher {
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> = Promise.resolve();

  async function publish(revocations: Revocation[]): Promise<void> {
    await eventBus.publishMany(
      authSessionsTopic,
      revocations.map((r) => ({
        type: 'session.revoked' as const,
        // A session is revoked once, so its id is a stable event id: a re-publish after a crash
        // carries the same id and consumers can deduplicate.
        id: r.sessionId,
        key: r.sessionId,
        occurredAt: r.revokedAt,
        data: {
          sessionId: r.sessionId,
          userId: r.userId,
          reason: r.reason,
          revokedAt: r.revokedAt.toISOString(),
        },
      })),
    );
  }

  async function flush(sessionId?: string): Promise<void> {
    try {
      await db.transaction().execute(async (trx) => {
        const pending = await sessionRepository.lockUnpublishedRevocations(
          trx,
          batchSize,
          sessionId,
        );
        if (pending.length === 0) return;
        await publish(pending);
        await sessionRepository.markRevocationsPublished(
          trx,
          pending.map((r) => r.sessionId),
          clock(),
        );
      });
    } catch (error) {
      logger.warn({ err: error }, 'publishing session revocations failed; will retry');
    }
  }

  return {
    flush,
    start: () => {
      timer ??= setInterval(() => {
        sweeping = sweeping.then(() => flush());
      }, sweepIntervalMs).unref();
    },
    stop: async () => {
      clearInterval(timer);
      timer = undefined;
      await sweeping;
    },
  };
}
