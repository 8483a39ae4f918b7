// One subscription = one kafkajs consumer, supervised: kafkajs restarts a consumer after
// retriable failures (broker restarts) by itself; after a non-retriable crash it gives up, and
// this class starts a new consumer instead, so a subscription only ends when stop() is called.
import { randomUUID } from 'node:crypto';
import type {
  Admin,
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { RecordsProcessor } from './batch-processor.js';
import type { RawRecord, Subscription } from './event-bus.js';
import type { LagTracker } from './metrics.js';
import { backoffDelay, sleep, withDeadline } from './timing.js';

export interface KafkaSubscriptionDeps {
  kafka: Kafka;
  consumerConfig: Omit<ConsumerConfig, 'groupId'>;
  /** Partitions handled at once (each still in order); see KafkaConsumerTuning. */
  partitionsConsumedConcurrently: number;
  /** The bus's shared admin client (connected, recycled on failure). */
  withAdmin: <R>(fn: (admin: Admin) => Promise<R>) => Promise<R>;
  logger: Logger;
  lag: LagTracker;
  subscribeTimeoutMs: number;
}

function headerValue(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

export function toRawRecord(topic: string, partition: number, message: KafkaMessage): RawRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = headerValue(value);
    if (text !== undefined) headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers,
    timestamp: new Date(Number(message.timestamp)),
  };
}

export class KafkaSubscription implements Subscription {
  private readonly controller = new AbortController();
  private readonly owner = randomUUID();
  private readonly processor: RecordsProcessor;
  private consumer: Consumer | undefined;
  private restarting: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly deps: KafkaSubscriptionDeps,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly fromBeginning: boolean,
    makeProcessor: (stopped: AbortSignal) => RecordsProcessor,
  ) {
    this.processor = makeProcessor(this.controller.signal);
  }

  /** Resolves once the consumer is in the group and knows where to start (see initialOffsets). */
  async start(): Promise<void> {
    try {
      await withDeadline(
        this.deps.subscribeTimeoutMs,
        `Subscribing group ${this.groupId} to ${this.topic}`,
        async (signal) => {
          // Right after a broker restart the group coordinator may not be elected yet ("This is
          // not the correct coordinator for this group"): retry the whole join until the deadline
          // rather than failing the service's start-up on a transient state.
          for (let attempt = 0; ; attempt += 1) {
            try {
              const initial = await this.initialOffsets();
              signal.throwIfAborted();
              await this.launch(initial).ready;
              return;
            } catch (error) {
              if (signal.aborted) throw error;
              this.deps.logger.warn(
                { err: error, topic: this.topic, group: this.groupId, attempt },
                'Subscribing failed; retrying',
              );
              await this.consumer?.disconnect().catch(() => undefined);
              await sleep(backoffDelay(attempt), signal);
            }
          }
        },
      );
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.controller.abort();
      await this.restarting;
      // kafkajs waits for the batch in flight (its handler finishes, offsets are committed),
      // then leaves the group so the partitions move to the other members at once.
      await this.consumer?.disconnect().catch((error: unknown) => {
        this.deps.logger.warn({ err: error, topic: this.topic }, 'Consumer disconnect failed');
      });
      this.deps.lag.retain(this.topic, this.groupId, this.owner, []);
    })();
    return this.stopping;
  }

  /**
   * Where partitions the group never committed should start. kafkajs would resolve them lazily
   * ("latest" at the member's first fetch, and again after every rebalance until something is
   * committed), so an event published right after subscribe() resolved could be skipped by a
   * member that gets the partition in a rebalance. Pinning the offsets as of now, committed when
   * the partition is first assigned, makes "published after subscribe resolved" mean delivered.
   */
  private async initialOffsets(): Promise<Map<number, string>> {
    return this.deps.withAdmin(async (admin) => {
      const [committed] = await admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
      const missing = (committed?.partitions ?? []).filter((p) => Number(p.offset) < 0);
      const initial = new Map<number, string>();
      if (missing.length === 0) return initial;
      const bounds = await admin.fetchTopicOffsets(this.topic);
      for (const { partition } of missing) {
        const bound = bounds.find((b) => b.partition === partition);
        if (bound) initial.set(partition, this.fromBeginning ? bound.low : bound.high);
      }
      return initial;
    });
  }

  private launch(initial: Map<number, string>): { consumer: Consumer; ready: Promise<void> } {
    const consumer = this.deps.kafka.consumer({
      ...this.deps.consumerConfig,
      groupId: this.groupId,
    });
    this.consumer = consumer;
    let joined = false;
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = payload.memberAssignment[this.topic] ?? [];
      // Runs synchronously inside kafkajs's join, so the seeks apply before the first fetch.
      for (const partition of assigned) {
        const offset = initial.get(partition);
        if (offset !== undefined) consumer.seek({ topic: this.topic, partition, offset });
      }
      // Only the first assignment may use them: later the group has its own committed offsets.
      initial.clear();
      this.deps.lag.retain(this.topic, this.groupId, this.owner, assigned);
      joined = true;
      if (assigned.length === 0) markReady();
    });
    // The first fetch after joining has resolved (and committed) the start offsets.
    consumer.on(consumer.events.FETCH, () => {
      if (joined) markReady();
    });
    // Lag including the batch being handled, so a stuck handler does not report zero.
    consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => {
      this.deps.lag.set(
        this.topic,
        this.groupId,
        this.owner,
        payload.partition,
        Number(payload.offsetLagLow),
      );
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.deps.lag.set(
        this.topic,
        this.groupId,
        this.owner,
        payload.partition,
        Number(payload.offsetLag),
      );
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.controller.signal.aborted) return;
      this.deps.logger.error(
        { err: payload.error, topic: this.topic, group: this.groupId },
        'Kafka consumer crashed without restarting; starting a new one',
      );
      this.restart(consumer);
    });
    const running = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: this.fromBeginning });
      await consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.deps.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.eachBatch(payload),
      });
    })();
    return { consumer, ready: Promise.all([running, ready]).then(() => undefined) };
  }

  private restart(crashed: Consumer, attempt = 0): void {
    this.restarting = this.restarting.then(async () => {
      const { signal } = this.controller;
      await sleep(backoffDelay(attempt + 3), signal);
      if (signal.aborted || this.consumer !== crashed) return;
      await crashed.disconnect().catch(() => undefined);
      // Not waiting for readiness: a later crash is handled by the new consumer's CRASH listener,
      // a failure to even connect here.
      const { consumer, ready } = this.launch(new Map());
      ready.catch((error: unknown) => {
        this.deps.logger.error({ err: error, topic: this.topic }, 'Restarting the consumer failed');
        this.restart(consumer, attempt + 1);
      });
    });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const last = batch.messages.at(-1);
    if (!last) return;
    const records = batch.messages.map((m) => toRawRecord(batch.topic, batch.partition, m));
    // Keep the group membership alive while a slow handler (or its retries) runs. A failed
    // heartbeat means a rebalance is under way: retrying then would only delay it, the batch is
    // left uncommitted for whoever owns the partition next.
    let membershipLost = false;
    const interval = this.deps.consumerConfig.heartbeatInterval ?? 3_000;
    const beat = setInterval(() => {
      payload.heartbeat().catch(() => {
        membershipLost = true;
      });
    }, interval);
    try {
      const done = await this.processor(
        records,
        () =>
          !membershipLost &&
          payload.isRunning() &&
          !payload.isStale() &&
          !this.controller.signal.aborted,
      );
      // kafkajs commits resolved offsets right after this returns; unresolved ones are fetched
      // again (by this member or the partition's next owner).
      if (done) payload.resolveOffset(last.offset);
    } finally {
      clearInterval(beat);
    }
  }
}
