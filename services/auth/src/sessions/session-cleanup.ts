// Housekeeping: sessions whose newest refresh token expired can never be used again; they are
// deleted (with their tokens, by cascade) after a retention period that keeps them around for
// investigations. Each replica runs it; the delete is idempotent, so no leader is needed.
import type { Kysely } from 'kysely';
import type { Logger } from '@falablau/common';
import type { AuthDb } from '../db/schema.js';
import { sessionRepository } from './session.repository.js';

export interface SessionCleanupOptions {
  db: Kysely<AuthDb>;
  logger: Logger;
  clock: () => Date;
  retentionMs?: number;
  intervalMs?: number;
}

export interface SessionCleanup {
  /** Deletes what is due now; returns how many sessions went. */
  runOnce: () => Promise<number>;
  start: () => void;
  stop: () => Promise<void>;
}

export function createSessionCleanup({
  db,
  logger,
  clock,
  retentionMs = 7 * 24 * 3_600_000,
  intervalMs = 3_600_000,
}: SessionCleanupOptions): SessionCleanup {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const runOnce = async () => {
    const deleted = await sessionRepository.deleteExpired(
      db,
      new Date(clock().getTime() - retentionMs),
    );
    if (deleted > 0) logger.info({ deleted }, 'expired sessions deleted');
    return deleted;
  };

  return {
    runOnce,
    start: () => {
      timer ??= setInterval(() => {
        running = runOnce().catch((error: unknown) => {
          logger.warn({ err: error }, 'session cleanup failed; will retry');
        });
      }, intervalMs).unref();
    },
    stop: async () => {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
