// P4's generator: chat.messages.v1-shaped events (the envelopes chat-service's outbox publishes)
// at a fixed rate to a topic of their own, so archive-service's ingest can be measured without
// touching the shared topic. Records when each batch was acknowledged by Kafka, as a cumulative
// count, for stats/ingest-lag.ts. One process, forked by the orchestrator.
import { randomUUID } from 'node:crypto';
import {
  chatMessagesTopic,
  createKafkaEventBus,
  createLogger,
  defineTopic,
} from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';
import type { CountAt } from '../stats/ingest-lag.js';
import { serveOnce } from './one-shot.js';

export interface ProducerParams {
  brokers: string;
  topic: string;
  roomIds: string[];
  /** Messages per second offered. */
  rate: number;
  durationMs: number;
  /** Batches handed to Kafka at most at once; beyond it the producer falls behind (reported). */
  maxInFlight: number;
  textBytes: number;
}

export interface ProducerResult {
  /** Epoch ms → messages acknowledged by Kafka so far. */
  produced: CountAt[];
  count: number;
  errors: number;
  /** Due messages the producer could not hand over in time (it fell behind its schedule). */
  behind: number;
  ms: number;
}

async function run(params: ProducerParams): Promise<ProducerResult> {
  const logger = createLogger({ name: 'bench-producer', level: 'warn' });
  const bus = createKafkaEventBus({
    brokers: params.brokers.split(','),
    clientId: `bench-producer-${process.pid}`,
    logger,
  });
  const topic = defineTopic(params.topic, chatMessagesTopic.events);
  const seqs = new Array<number>(params.roomIds.length).fill(0);
  const users = Array.from({ length: 200 }, () => randomUUID());
  const pad = 'x'.repeat(params.textBytes);
  let made = 0;
  const make = (): ChatMessage => {
    const room = made % params.roomIds.length;
    made += 1;
    seqs[room] = (seqs[room] ?? 0) + 1;
    const userId = users[made % users.length] ?? '';
    return {
      id: randomUUID(),
      roomId: params.roomIds[room] ?? '',
      seq: seqs[room] ?? 1,
      userId,
      username: `bench-${userId.slice(0, 8)}`,
      text: `${made} ${pad}`,
      createdAt: new Date().toISOString(),
    };
  };
  // Warm the producer (metadata, connection, topic) before the clock starts.
  await bus.publishMany(topic, []);
  const produced: CountAt[] = [{ t: Date.now(), count: 0 }];
  let acked = 0;
  let errors = 0;
  let behind = 0;
  let inFlight = 0;
  const running = new Set<Promise<void>>();
  const t0 = performance.now();
  const total = Math.floor((params.rate * params.durationMs) / 1_000);
  let handed = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * params.rate) / 1_000));
      while (handed < due && inFlight < params.maxInFlight) {
        const n = Math.min(due - handed, 1_000);
        handed += n;
        const items = Array.from({ length: n }, () => {
          const data = make();
          return { type: 'message.created' as const, data, key: data.roomId, id: data.id };
        });
        inFlight += 1;
        const p = bus
          .publishMany(topic, items)
          .then(
            () => {
              acked += n;
              produced.push({ t: Date.now(), count: acked });
            },
            () => {
              errors += n;
            },
          )
          .finally(() => {
            inFlight -= 1;
            running.delete(p);
          });
        running.add(p);
      }
      if (handed >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 5);
    // Bounded: the schedule ends at its duration (plus a grace), caught up or not.
    setTimeout(() => {
      behind = total - handed;
      clearInterval(timer);
      resolve();
    }, params.durationMs + 5_000);
  });
  await Promise.all(running);
  await bus.close();
  return { produced, count: acked, errors, behind, ms: performance.now() - t0 };
}

serveOnce(run);
