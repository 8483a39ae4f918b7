// The event log as the services see it. Two implementations pass the same contract suite
// (event-bus.contract.ts): Kafka for the cluster, an in-process log for the standalone mode.
import type { PublishItem, PublishOptions } from './envelope.js';
import type { EventInput, EventOf, EventType, Topic, TopicEvent } from './topic.js';

export interface SubscribeOptions<T extends Topic> {
  /** Each group sees every event once; subscriptions sharing a group split the partitions. */
  groupId: string;
  /** Where a group without committed offsets starts: the oldest retained event, or only new ones. */
  fromBeginning?: boolean;
  /**
   * Called with validated events, in order per key. Offsets are committed only after it resolves;
   * when it throws, the same batch is delivered again (at least once, nothing skipped).
   */
  handleBatch: (events: TopicEvent<T>[]) => Promise<void>;
}

/** A message as stored in the log, before any validation. */
export interface RawRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit, hence a decimal string. */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: Date;
}

export interface RawSubscribeOptions {
  groupId: string;
  fromBeginning?: boolean;
  /** Same delivery rules as subscribe, without validation (for DLQ tooling and tests). */
  handleBatch: (records: RawRecord[]) => Promise<void>;
}

export interface RawPublishOptions {
  key?: string;
  headers?: Record<string, string>;
}

export interface Subscription {
  /** Leaves the group: waits for the batch in flight, then its partitions go to the others. */
  stop(): Promise<void>;
}

export interface EventBus {
  /** Validates `data` (throws InvalidEventError, nothing sent), publishes, returns the envelope. */
  publish<T extends Topic, K extends EventType<T>>(
    topic: T,
    type: K,
    data: EventInput<T, K>,
    opts?: PublishOptions,
  ): Promise<EventOf<T, K>>;
  /** All items validated first, then sent in one produce round-trip; envelopes in item order. */
  publishMany<T extends Topic>(
    topic: T,
    items: readonly PublishItem<T>[],
  ): Promise<TopicEvent<T>[]>;
  /** Resolves once the subscription is part of its group with its start offsets resolved. */
  subscribe<T extends Topic>(topic: T, opts: SubscribeOptions<T>): Promise<Subscription>;
  /** Sends bytes as they are, no validation: a testing and operations aid (e.g. DLQ replay). */
  publishRaw(
    topicName: string,
    value: string | Buffer | null,
    opts?: RawPublishOptions,
  ): Promise<void>;
  /** Consumes a topic without validation, e.g. `<topic>.dlq`. */
  subscribeRaw(topicName: string, opts: RawSubscribeOptions): Promise<Subscription>;
  /** Readiness probe: resolves when the broker is reachable, rejects (bounded time) otherwise. */
  ready(): Promise<void>;
  /** Stops every subscription (finishing batches in flight), flushes and disconnects. Idempotent. */
  close(): Promise<void>;
}

/** Headers added to a message parked in `<topic>.dlq`. */
export const dlqHeaders = {
  topic: 'x-original-topic',
  partition: 'x-original-partition',
  offset: 'x-original-offset',
  reason: 'x-error-reason',
  group: 'x-consumer-group',
} as const;
