// The event log of the standalone (one-process) mode. It deliberately mimics Kafka rather than
// being a plain emitter, so code tested against it behaves the same on the cluster: messages are
// stored as bytes and validated on consumption, topics have partitions chosen by key, consumer
// groups commit offsets after the handler succeeds, and a retained log allows `fromBeginning`.
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  deadLetterHeaders,
  eventProcessor,
  rawProcessor,
  type DeadLetter,
  type RecordsProcessor,
} from './batch-processor.js';
import { encodeEvents, type PublishItem, type PublishOptions } from './envelope.js';
import type {
  EventBus,
  RawPublishOptions,
  RawRecord,
  RawSubscribeOptions,
  SubscribeOptions,
  Subscription,
} from './event-bus.js';
import { createEventBusMetrics, type EventBusMetrics } from './metrics.js';
import { sleep } from './timing.js';
import {
  assertValidTopicName,
  isDlqTopicName,
  type EventInput,
  type EventOf,
  type EventType,
  type Topic,
  type TopicEvent,
} from './topic.js';

export interface InProcessEventBusOptions {
  logger?: Logger;
  registry?: Registry;
  /** Partitions of each data topic (a DLQ has one), as on Kafka. Default 3. */
  partitions?: number;
  /**
   * Records kept per partition for `fromBeginning` replay. Records a running group has not yet
   * processed are never dropped; a stopped group that falls behind resumes at the oldest kept one.
   * Default 10 000.
   */
  retentionPerPartition?: number;
  /** Most events handed to one handleBatch call. Default 500. */
  maxBatchSize?: number;
}

interface StoredRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: Date;
}

class PartitionLog {
  /** Offset of records[0]: older records were dropped by retention. */
  start = 0;
  records: StoredRecord[] = [];

  constructor(
    readonly topic: string,
    readonly index: number,
  ) {}

  get end(): number {
    return this.start + this.records.length;
  }

  read(from: number, max: number): RawRecord[] {
    const first = Math.max(from, this.start) - this.start;
    return this.records.slice(first, first + max).map((record, i) => ({
      topic: this.topic,
      partition: this.index,
      offset: String(this.start + first + i),
      key: record.key,
      value: record.value,
      headers: { ...record.headers },
      timestamp: record.timestamp,
    }));
  }

  trimTo(offset: number): void {
    if (offset <= this.start) return;
    const drop = Math.min(offset - this.start, this.records.length);
    this.records.splice(0, drop);
    this.start += drop;
  }
}

// FNV-1a: cheap and stable, enough to spread keys over a handful of partitions.
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

class TopicLog {
  readonly partitions: PartitionLog[];
  readonly groups = new Map<string, ConsumerGroup>();
  private roundRobin = 0;

  constructor(
    readonly name: string,
    partitionCount: number,
    private readonly retention: number,
    private readonly metrics: EventBusMetrics,
  ) {
    this.partitions = Array.from({ length: partitionCount }, (_, i) => new PartitionLog(name, i));
  }

  append(records: readonly Omit<StoredRecord, 'timestamp'>[]): void {
    const timestamp = new Date();
    for (const record of records) {
      // Like Kafka: a key pins a partition (hence per-key order); no key spreads round-robin.
      const index =
        record.key === null
          ? this.roundRobin++ % this.partitions.length
          : hashKey(record.key) % this.partitions.length;
      this.partitions[index]?.records.push({ ...record, timestamp });
    }
    this.applyRetention();
    for (const group of this.groups.values()) group.changed();
  }

  group(id: string, fromBeginning: boolean): ConsumerGroup {
    let group = this.groups.get(id);
    if (!group) {
      group = new ConsumerGroup(id, this, fromBeginning, this.metrics);
      this.groups.set(id, group);
    }
    return group;
  }

  private applyRetention(): void {
    for (const partition of this.partitions) {
      const excess = partition.records.length - this.retention;
      if (excess <= 0) continue;
      let keepFrom = partition.start + excess;
      for (const group of this.groups.values()) {
        if (group.hasMembers())
          keepFrom = Math.min(keepFrom, group.committed[partition.index] ?? 0);
      }
      partition.trimTo(keepFrom);
    }
  }
}

class ConsumerGroup {
  /** Next offset to process, per partition. */
  readonly committed: number[];
  /** A batch of that partition is being processed: nobody else may take it (no duplicates). */
  readonly busy: boolean[];
  readonly owners: (Member | undefined)[] = [];
  private readonly members: Member[] = [];

  constructor(
    readonly id: string,
    readonly log: TopicLog,
    fromBeginning: boolean,
    private readonly metrics: EventBusMetrics,
  ) {
    this.committed = log.partitions.map((p) => (fromBeginning ? p.start : p.end));
    this.busy = log.partitions.map(() => false);
  }

  hasMembers(): boolean {
    return this.members.length > 0;
  }

  join(member: Member): void {
    this.members.push(member);
    this.rebalance();
  }

  leave(member: Member): void {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    this.rebalance();
  }

  commit(partition: number, next: number): void {
    this.committed[partition] = Math.max(this.committed[partition] ?? 0, next);
    this.changed();
  }

  /** New records, a commit or a free partition: members look for work again. */
  changed(): void {
    let lag = 0;
    for (const partition of this.log.partitions) {
      lag += Math.max(
        0,
        partition.end - Math.max(this.committed[partition.index] ?? 0, partition.start),
      );
    }
    this.metrics.setLag(this.log.name, this.id, lag);
    for (const member of this.members) member.wake();
  }

  private rebalance(): void {
    // Partition i goes to member i mod n: every key stays with exactly one member.
    this.log.partitions.forEach((_, i) => {
      this.owners[i] = this.members.length > 0 ? this.members[i % this.members.length] : undefined;
    });
    this.changed();
  }
}

class Member {
  private readonly controller = new AbortController();
  private readonly processor: RecordsProcessor;
  private wakePending = false;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();
  private next = 0;

  constructor(
    private readonly group: ConsumerGroup,
    makeProcessor: (stopped: AbortSignal) => RecordsProcessor,
    private readonly maxBatchSize: number,
    private readonly logger: Logger,
  ) {
    this.processor = makeProcessor(this.controller.signal);
  }

  start(): void {
    this.group.join(this);
    this.loop = this.run();
  }

  wake(): void {
    this.wakePending = true;
    this.wakeUp?.();
    this.wakeUp = undefined;
  }

  async stop(): Promise<void> {
    if (!this.controller.signal.aborted) {
      this.controller.abort();
      // Leave first so the others take over; the batch in flight finishes and commits meanwhile.
      this.group.leave(this);
      this.wake();
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    const { signal } = this.controller;
    while (!signal.aborted) {
      const partition = this.findWork();
      if (partition === undefined) {
        await this.waitForWake();
        continue;
      }
      await this.processNextBatch(partition);
    }
  }

  private findWork(): number | undefined {
    const { partitions } = this.group.log;
    // Rotate the starting point so a busy partition does not starve the others.
    for (let step = 0; step < partitions.length; step++) {
      const index = (this.next + step) % partitions.length;
      const partition = partitions[index];
      if (
        partition &&
        this.group.owners[index] === this &&
        !this.group.busy[index] &&
        Math.max(this.group.committed[index] ?? 0, partition.start) < partition.end
      ) {
        this.next = index + 1;
        return index;
      }
    }
    return undefined;
  }

  private async processNextBatch(index: number): Promise<void> {
    const partition = this.group.log.partitions[index];
    if (!partition) return;
    const from = Math.max(this.group.committed[index] ?? 0, partition.start);
    const records = partition.read(from, this.maxBatchSize);
    this.group.busy[index] = true;
    let done = false;
    try {
      done = await this.processor(
        records,
        () => !this.controller.signal.aborted && this.group.owners[index] === this,
      );
    } catch (error) {
      // The processor catches handler errors itself; this is a bug, not a reason to stop.
      this.logger.error({ err: error, topic: partition.topic }, 'Unexpected error in consumer');
      await sleep(1_000, this.controller.signal);
    } finally {
      this.group.busy[index] = false;
    }
    // Safe even after a rebalance: the busy flag kept everyone else off this partition.
    if (done) this.group.commit(index, from + records.length);
    else this.group.changed();
  }

  private async waitForWake(): Promise<void> {
    if (!this.wakePending) {
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
      });
    }
    this.wakePending = false;
  }
}

class InProcessEventBus implements EventBus {
  private readonly topics = new Map<string, TopicLog>();
  private readonly members = new Set<Member>();
  private readonly logger: Logger;
  private readonly metrics: EventBusMetrics;
  private readonly partitions: number;
  private readonly retention: number;
  private readonly maxBatchSize: number;
  private closed = false;

  constructor(options: InProcessEventBusOptions) {
    this.logger = options.logger ?? pino({ level: 'warn' });
    this.metrics = createEventBusMetrics(options.registry);
    this.partitions = options.partitions ?? 3;
    this.retention = options.retentionPerPartition ?? 10_000;
    this.maxBatchSize = options.maxBatchSize ?? 500;
  }

  async publish<T extends Topic, K extends EventType<T>>(
    topic: T,
    type: K,
    data: EventInput<T, K>,
    opts: PublishOptions = {},
  ): Promise<EventOf<T, K>> {
    const item = { ...opts, type, data } as unknown as PublishItem<T>;
    const [event] = await this.publishMany(topic, [item]);
    return event as EventOf<T, K>;
  }

  publishMany<T extends Topic>(
    topic: T,
    items: readonly PublishItem<T>[],
  ): Promise<TopicEvent<T>[]> {
    return Promise.resolve().then(() => {
      this.assertOpen();
      const encoded = encodeEvents(topic, items);
      if (encoded.length === 0) return [];
      this.log(topic.name).append(encoded);
      this.metrics.published(topic.name, encoded.length);
      return encoded.map((e) => e.envelope);
    });
  }

  publishRaw(
    topicName: string,
    value: string | Buffer | null,
    opts: RawPublishOptions = {},
  ): Promise<void> {
    return Promise.resolve().then(() => {
      this.assertOpen();
      assertValidTopicName(topicName);
      const bytes = typeof value === 'string' ? Buffer.from(value) : value;
      this.log(topicName).append([
        { key: opts.key ?? null, value: bytes, headers: { ...opts.headers } },
      ]);
      this.metrics.published(topicName, 1);
    });
  }

  subscribe<T extends Topic>(topic: T, opts: SubscribeOptions<T>): Promise<Subscription> {
    return this.join(topic.name, opts, (signal) =>
      eventProcessor(topic, {
        topicName: topic.name,
        groupId: opts.groupId,
        logger: this.logger,
        metrics: this.metrics,
        signal,
        handleBatch: opts.handleBatch,
        deadLetter: (letters) => this.deadLetter(topic, opts.groupId, letters),
      }),
    );
  }

  subscribeRaw(topicName: string, opts: RawSubscribeOptions): Promise<Subscription> {
    return this.join(topicName, opts, (signal) =>
      rawProcessor({
        topicName,
        groupId: opts.groupId,
        logger: this.logger,
        metrics: this.metrics,
        signal,
        handleBatch: opts.handleBatch,
      }),
    );
  }

  ready(): Promise<void> {
    return this.closed ? Promise.reject(new Error('EventBus is closed')) : Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.members].map((member) => member.stop()));
    this.members.clear();
  }

  private join(
    topicName: string,
    opts: { groupId: string; fromBeginning?: boolean },
    makeProcessor: (signal: AbortSignal) => RecordsProcessor,
  ): Promise<Subscription> {
    return Promise.resolve().then(() => {
      this.assertOpen();
      assertValidTopicName(topicName);
      if (!opts.groupId) throw new Error('subscribe: groupId must not be empty');
      const group = this.log(topicName).group(opts.groupId, opts.fromBeginning ?? false);
      const member = new Member(group, makeProcessor, this.maxBatchSize, this.logger);
      this.members.add(member);
      member.start();
      return {
        stop: async () => {
          await member.stop();
          this.members.delete(member);
        },
      };
    });
  }

  private deadLetter(topic: Topic, groupId: string, letters: DeadLetter[]): Promise<void> {
    this.log(topic.dlqName).append(
      letters.map((letter) => ({
        key: letter.record.key,
        value: letter.record.value,
        headers: deadLetterHeaders(letter, groupId),
      })),
    );
    this.metrics.published(topic.dlqName, letters.length);
    return Promise.resolve();
  }

  private log(name: string): TopicLog {
    let log = this.topics.get(name);
    if (!log) {
      log = new TopicLog(
        name,
        isDlqTopicName(name) ? 1 : this.partitions,
        this.retention,
        this.metrics,
      );
      this.topics.set(name, log);
    }
    return log;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('EventBus is closed');
  }
}

/** The event bus of the standalone mode: everything in memory, nothing survives a restart. */
export function createInProcessEventBus(options: InProcessEventBusOptions = {}): EventBus {
  return new InProcessEventBus(options);
}
