// Moves stored messages from the Postgres outbox to Kafka `chat.messages.v1`.
//
// Latency: a local send wakes the relay at once. Coverage: a periodic sweep also picks up rows
// other replicas left behind (a crash between commit and publish). Outages: while Kafka (or
// Postgres) fails, attempts back off exponentially and wake-ups wait for the next attempt, so a
// broken broker is not hammered; sending itself never waits for the relay.
import type { Kysely } from 'kysely';
import type { EventBus, Logger } from '@falablau/common';
import type { ChatDb } from '../db/schema.js';
import { publishBatch } from './outbox-batch.js';
import type { OutboxMetrics } from './outbox.metrics.js';

export interface OutboxRelayOptions {
  db: Kysely<ChatDb>;
  eventBus: EventBus;
  logger: Logger;
  metrics: OutboxMetrics;
  batchSize: number;
  /** Pause between sweeps while healthy. */
  intervalMs: number;
  /** Longest pause between attempts while failing. */
  maxBackoffMs: number;
}

export interface OutboxRelay {
  /** Starts the periodic sweep (and a first pass at once). */
  start(): void;
  /** Asks for a pass now (after a local send); coalesced with a pass in progress. */
  wake(): void;
  /** Stops the schedule and waits for the batch in flight to finish. Idempotent. */
  stop(): Promise<void>;
  /** Publishes until the outbox is empty or a batch fails; resolves with the rows published. */
  drain(): Promise<number>;
}

/** First retry after ~250 ms, doubling, capped, with ±20 % jitter so replicas do not align. */
export function outboxBackoffMs(failures: number, maxMs: number): number {
  const base = Math.min(maxMs, 250 * 2 ** Math.min(failures - 1, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, eventBus, logger, metrics, batchSize, intervalMs, maxBackoffMs } = options;
  let started = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  /** Batches until one is not full; throws on the first failure. */
  async function publishAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await publishBatch(db, eventBus, batchSize);
      total += batch.published;
      metrics.published.inc(batch.published);
      for (const seconds of batch.waitedSeconds) metrics.publishLag.observe(seconds);
      // A batch that published nothing although more rooms exist means they are all claimed by
      // other replicas right now: looping would only spin on their locks.
      if (stopped || !batch.full || batch.published === 0) return total;
    }
  }

  function schedule(delayMs: number): void {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      pass();
    }, delayMs);
    timer.unref();
  }

  /** Whether wake-ups arrived since the last call (they ask for one more pass). */
  function takeWakeUps(): boolean {
    const woken = again;
    again = false;
    return woken;
  }

  /** One pass (repeated while wake-ups arrived during it), then the next pass is scheduled. */
  function pass(): void {
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = (async () => {
      do {
        try {
          const published = await publishAll();
          if (failures > 0) {
            logger.info({ published, failures }, 'outbox relay recovered');
          }
          failures = 0;
        } catch (error) {
          failures += 1;
          metrics.failures.inc();
          const retryInMs = outboxBackoffMs(failures, maxBackoffMs);
          // The first failures are routine (a broker restart); persistent ones need attention.
          logger[failures >= 5 ? 'error' : 'warn'](
            { err: error, failures, retryInMs },
            'outbox relay could not publish; messages stay in the outbox',
          );
          schedule(retryInMs);
          return;
        }
      } while (takeWakeUps() && !stopped);
      schedule(intervalMs);
    })().finally(() => {
      running = undefined;
    });
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      pass();
    },

    wake() {
      // While backing off, the scheduled retry comes first: wake-ups must not defeat the backoff.
      if (!started || stopped || failures > 0) return;
      pass();
    },

    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },

    async drain() {
      // Waits for a pass in progress first, so two passes of this relay never overlap.
      await running;
      return publishAll();
    },
  };
}
