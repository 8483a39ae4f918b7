// The mover: every interval, messages past the hot retention go from Postgres to archive-service
// in batches, and each batch is deleted from Postgres only after the archive has answered that
// it stored it. Every replica runs the timer; a Postgres advisory lock makes one of them the
// leader of a run and the others skip their turn, so N replicas never move a message twice.
//
// Failure leaves things as they were: if the archive fails (down, 5xx, timeout), the run stops
// and that batch stays in Postgres to be moved by a later run. If Postgres fails after the
// archive stored a batch, the messages are in both places for a while, which readers tolerate
// (history reads the archive only below the oldest seq Postgres holds), and the next run posts
// them again, which the archive counts as duplicates.
import type { Kysely } from 'kysely';
import type { Logger } from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';
import type { ChatDb } from '../db/schema.js';
import type { ArchiveBatchResult, ArchiveClient } from './archive-client.js';
import type { ArchiveMoverMetrics } from './archive.metrics.js';
import { deleteArchived, nextDueBatch, releaseLeaderLock, tryLeaderLock } from './due-messages.js';

export interface MoveRun {
  /** This replica held the lock for the run (false: another one was moving). */
  leader: boolean;
  /** Messages archived and deleted from Postgres. */
  moved: number;
  /** Messages the archive refused (their room stops moving until someone looks at it). */
  conflicts: number;
}

export interface ArchiveMover {
  /** One run now: become the leader or skip; then move everything due, batch after batch. */
  moveOnce(): Promise<MoveRun>;
  /** Runs every interval until stop(). */
  start(): void;
  /** No new runs; the batch in flight finishes. */
  stop(): Promise<void>;
}

export interface ArchiveMoverOptions {
  db: Kysely<ChatDb>;
  archive: Pick<ArchiveClient, 'store'>;
  logger: Logger;
  metrics: ArchiveMoverMetrics;
  hotRetentionMs: number;
  intervalMs: number;
  batchSize: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/**
 * The ids the archive has now, for deletion. A conflict (the room's seq is archived under
 * another id: a bug somewhere, never overwritten) keeps that message and every later one of its
 * room in Postgres, so the room's messages stay split at one seq.
 */
function confirmedIds(batch: readonly ChatMessage[], result: ArchiveBatchResult) {
  const firstRefused = new Map<string, number>();
  for (const { roomId, seq } of result.conflicts) {
    firstRefused.set(roomId, Math.min(seq, firstRefused.get(roomId) ?? seq));
  }
  const ids = batch
    .filter((m) => m.seq < (firstRefused.get(m.roomId) ?? Number.POSITIVE_INFINITY))
    .map((m) => m.id);
  return { ids, refusedRooms: [...firstRefused.keys()] };
}

/** The archive must account for every message we sent, or we cannot know what it stored. */
function assertAccountedFor(batch: readonly ChatMessage[], result: ArchiveBatchResult): void {
  const answered = result.inserted + result.duplicates + result.conflicts.length;
  if (answered !== batch.length) {
    throw new Error(
      `archive-service accounted for ${String(answered)} of ${String(batch.length)} messages`,
    );
  }
}

export function createArchiveMover(options: ArchiveMoverOptions): ArchiveMover {
  const { db, archive, logger, metrics } = options;
  const now = options.now ?? Date.now;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function moveDue(conn: Kysely<ChatDb>): Promise<MoveRun> {
    const cutoff = new Date(now() - options.hotRetentionMs);
    const skip: string[] = [];
    const run: MoveRun = { leader: true, moved: 0, conflicts: 0 };
    while (!stopping) {
      const batch = await nextDueBatch(conn, cutoff, options.batchSize, skip);
      if (batch.length === 0) break;
      // Throws when the archive did not store the batch: the run ends, Postgres untouched.
      const result = await archive.store(batch);
      assertAccountedFor(batch, result);
      const { ids, refusedRooms } = confirmedIds(batch, result);
      if (refusedRooms.length > 0) {
        run.conflicts += result.conflicts.length;
        metrics.conflicts.inc(result.conflicts.length);
        skip.push(...refusedRooms);
        logger.error(
          { conflicts: result.conflicts.slice(0, 20), rooms: refusedRooms },
          'archive-service holds other messages at these seqs: these rooms stop moving',
        );
      }
      const deleted = await deleteArchived(conn, ids);
      run.moved += deleted;
      metrics.moved.inc(deleted);
    }
    return run;
  }

  async function moveOnce(): Promise<MoveRun> {
    // One connection for the whole run: the lock belongs to its session.
    return db.connection().execute(async (conn) => {
      if (!(await tryLeaderLock(conn))) return { leader: false, moved: 0, conflicts: 0 };
      const stopTimer = metrics.runDuration.startTimer();
      try {
        return await moveDue(conn);
      } catch (error) {
        metrics.failures.inc();
        throw error;
      } finally {
        stopTimer();
        await releaseLeaderLock(conn).catch((error: unknown) => {
          // A broken connection has released it already (the session is gone).
          logger.warn({ err: error }, 'Could not release the mover lock');
        });
      }
    });
  }

  async function tick(): Promise<void> {
    try {
      const run = await moveOnce();
      if (run.moved > 0 || run.conflicts > 0) logger.info(run, 'Moved messages to the archive');
    } catch (error) {
      logger.warn({ err: error }, 'Moving messages to the archive failed; retrying next interval');
    }
  }

  function schedule(): void {
    if (stopping) return;
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = undefined;
        schedule();
      });
    }, options.intervalMs);
    // The server keeps the process alive; this timer alone should not.
    timer.unref();
  }

  return {
    moveOnce,
    start() {
      if (timer === undefined && !stopping) schedule();
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
  };
}
