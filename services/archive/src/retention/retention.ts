// Retention: archived messages are kept ARCHIVE_TTL_DAYS after they were sent. On MongoDB a TTL
// index drops them; `DELETE /archive/cleanup` forces the same cut at once. Where the store cannot
// expire documents itself (FerretDB, the standalone Postgres store), the sweeper runs that very
// cleanup periodically, so retention holds everywhere with one piece of code.
import type { Logger } from '@falablau/common';
import type { ArchiveMetrics, RetentionTrigger } from '../archive.metrics.js';
import type { ArchiveStore } from '../store/archive-store.js';

const DAY_MS = 86_400_000;

/** Messages created before this instant are past retention. */
export function retentionCutoff(now: Date, ttlDays: number): Date {
  return new Date(now.getTime() - ttlDays * DAY_MS);
}

export interface CleanupResult {
  deleted: number;
  /** The cutoff applied: everything created before it is gone. */
  before: Date;
}

export interface Retention {
  /** Deletes messages created before `before` (default: the retention cutoff as of now). */
  cleanup(trigger: RetentionTrigger, before?: Date): Promise<CleanupResult>;
  /** Runs cleanup now and every `sweepIntervalMs`, until stop(). */
  startSweeper(): void;
  /** Stops the sweeper; waits for a sweep in progress. */
  stop(): Promise<void>;
}

export interface RetentionDeps {
  store: ArchiveStore;
  ttlDays: number;
  sweepIntervalMs: number;
  metrics: ArchiveMetrics;
  logger: Logger;
  now?: () => Date;
}

export function createRetention(deps: RetentionDeps): Retention {
  const { store, ttlDays, sweepIntervalMs, metrics, logger } = deps;
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function cleanup(trigger: RetentionTrigger, before?: Date): Promise<CleanupResult> {
    const cutoff = before ?? retentionCutoff(now(), ttlDays);
    const deleted = await store.deleteOlderThan(cutoff);
    metrics.retentionDeleted.inc({ trigger }, deleted);
    logger.info({ trigger, deleted, before: cutoff.toISOString() }, 'Retention cleanup');
    return { deleted, before: cutoff };
  }

  function sweep(): void {
    running = running.then(async () => {
      if (stopped) return;
      try {
        await cleanup('sweep');
      } catch (error) {
        // The next sweep tries again; an unreachable database also shows in /ready.
        logger.warn({ err: error }, 'Retention sweep failed');
      }
    });
  }

  return {
    cleanup,
    startSweeper() {
      if (timer !== undefined || stopped) return;
      sweep();
      timer = setInterval(sweep, sweepIntervalMs);
      // Retention must never keep the process alive on its own.
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
