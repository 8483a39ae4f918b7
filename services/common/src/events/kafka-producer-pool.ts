// The bus's one producer, replaced after a failure.
//
// The producer is idempotent (acks=all, broker-side de-duplication of kafkajs's own retries), but
// its retries are bounded so a publish can fail in bounded time. A failed request may still have
// been written; if the same producer later reused that sequence number for other messages, the
// broker would take them for duplicates and silently drop them. So after any failure the producer
// is retired (disconnected once its requests settle) and the next publish gets a fresh one (new
// producer id). Waiting for the retired one first keeps a late retry from overtaking newer
// messages.
import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import type { Logger } from 'pino';

interface Slot {
  producer: Producer;
  inflight: number;
  idle: (() => void)[];
}

export class ProducerPool {
  private slot: Promise<Slot> | undefined;
  private retiring: Promise<void> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ProducerConfig,
    private readonly logger: Logger,
  ) {}

  /** Runs `send` on the current producer; a failure or an abandoned (aborted) send retires it. */
  async run<R>(signal: AbortSignal, send: (producer: Producer) => Promise<R>): Promise<R> {
    const current = this.acquire();
    const retire = (): void => {
      this.retire(current);
    };
    signal.addEventListener('abort', retire, { once: true });
    try {
      const slot = await current;
      signal.throwIfAborted();
      slot.inflight++;
      try {
        return await send(slot.producer);
      } finally {
        slot.inflight--;
        if (slot.inflight === 0) for (const notify of slot.idle.splice(0)) notify();
      }
    } catch (error) {
      retire();
      throw error;
    } finally {
      signal.removeEventListener('abort', retire);
    }
  }

  /** Waits for requests in flight, then disconnects. */
  async close(): Promise<void> {
    if (this.slot) this.retire(this.slot);
    await this.retiring;
  }

  private acquire(): Promise<Slot> {
    this.slot ??= this.open();
    return this.slot;
  }

  private async open(): Promise<Slot> {
    await this.retiring;
    const producer = this.kafka.producer(this.config);
    try {
      await producer.connect();
    } catch (error) {
      // Release whatever sockets the failed attempt opened.
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    return { producer, inflight: 0, idle: [] };
  }

  private retire(slot: Promise<Slot>): void {
    if (this.slot !== slot) return; // already retired by another failure
    this.slot = undefined;
    this.retiring = this.retiring.then(async () => {
      let settled: Slot;
      try {
        settled = await slot;
      } catch {
        return; // never connected; open() already cleaned up
      }
      if (settled.inflight > 0) {
        await new Promise<void>((resolve) => settled.idle.push(resolve));
      }
      await settled.producer.disconnect().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'Disconnecting a retired Kafka producer failed');
      });
    });
  }
}
