// Moves stored messages from the Postgres outbox to Kafka `chat.messages.v1`.
//
// Latency: a local send wakes the relay within `lingerMs` (50 ms by default): sends that arrive
// meanwhile go in the same batch — one transaction and one produce request for many messages
// instead of six statements and a request each, which under load cost chat, Postgres and Kafka
// more CPU than the messages themselves (docs/performance.md). Nothing waits on it: delivery goes
// through the Redis adapter, the ack through Postgres; Kafka's consumers (the archive) see
// messages up to 50 ms later. Coverage: a periodic sweep also picks up rows other replicas left
// behind (a crash between commit and publish). Outages: while Kafka (or Postgres) fails,
// attempts back off exponentially and wake-ups wait for the next attempt, so a broken broker is
// not hammered; sending itself never waits for the relay.
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
  /** How long a wake-up waits for more sends before the pass (0: the next turn of the loop). */
  lingerMs: number;
  /** Longest pause between attempts while failing. */
  maxBackoffMs: number;
}

export interface OutboxRelay {
  /** Starts the periodic sweep (and a first pass at once). */
  start(): void;
  /** Asks for a pass within `lingerMs` (after a local send); coalesced with other wake-ups. */
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
  const { db, eventBus, logger, metrics, batchSize, intervalMs, lingerMs, maxBackoffMs } = options;
  let started = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  /** When the scheduled pass is due (ms since the epoch); meaningful while `timer` is set. */
  let timerDue = 0;
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
    timerDue = Date.now() + delayMs;
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

  /**
   * One pass, then the next is scheduled: after the linger when wake-ups arrived during it (their
   * rows go together in the next batch), else at the sweep interval.
   */
  function pass(): void {
    if (running) {
      again = true;
      return;
    }
    again = false;
    clearTimeout(timer);
    timer = undefined;
    running = (async () => {
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
      schedule(takeWakeUps() ? lingerMs : intervalMs);
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
      if (running) {
        again = true;
        return;
      }
      // A pass already due within the linger takes this send's row too.
      if (timer !== undefined && timerDue <= Date.now() + lingerMs) return;
      schedule(lingerMs);
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
