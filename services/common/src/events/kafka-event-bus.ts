// The cluster event bus on Kafka (kafkajs). Delivery is at least once: offsets are committed only
// after the handler resolved; invalid messages go to `<topic>.dlq` and are committed past.
import { Kafka, Partitioners, type Admin, type KafkaConfig, type Message } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  deadLetterHeaders,
  eventProcessor,
  rawProcessor,
  type DeadLetter,
} from './batch-processor.js';
import { encodeEvents, type PublishItem, type PublishOptions } from './envelope.js';
import type {
  EventBus,
  RawPublishOptions,
  RawSubscribeOptions,
  SubscribeOptions,
  Subscription,
} from './event-bus.js';
import { chunkMessages, defaultMaxRequestBytes } from './kafka-batches.js';
import { kafkaLogLevels, pinoLogCreator, type KafkaLogLevel } from './kafka-logging.js';
import { ProducerPool } from './kafka-producer-pool.js';
import { KafkaSubscription } from './kafka-subscription.js';
import { createEventBusMetrics, LagTracker, type EventBusMetrics } from './metrics.js';
import { backoffDelay, sleep, withDeadline } from './timing.js';
import {
  assertValidTopicName,
  dlqTopicName,
  isDlqTopicName,
  type EventInput,
  type EventOf,
  type EventType,
  type Topic,
  type TopicEvent,
} from './topic.js';

export interface KafkaConsumerTuning {
  /** Default 30 000 ms; the broker enforces a minimum (group.min.session.timeout.ms, 6 s). */
  sessionTimeout?: number;
  /** Default 3 000 ms (about a third of the session timeout). */
  heartbeatInterval?: number;
  /** Default 60 000 ms. */
  rebalanceTimeout?: number;
  /** How long a fetch waits for data; bounds how long stop() waits for an idle fetch. Default 500 ms. */
  maxWaitTimeInMs?: number;
  /**
   * Bytes a fetch waits for (up to maxWaitTimeInMs) before it answers. Default 1: at once. More
   * batches a busy topic's consumer into fewer, larger fetches and batches.
   */
  minBytes?: number;
  /**
   * Partitions whose batches are handled at the same time (kafkajs partitionsConsumedConcurrently).
   * Default 1: one batch at a time. More lets a consumer that owns several partitions overlap their
   * handlers' round trips (the archive's database writes); each partition stays in order.
   */
  partitionsConsumedConcurrently?: number;
}

export interface KafkaEventBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  registry?: Registry;
  /** Create missing topics (and their DLQ) on first use. Default true; disable where topics are managed (Strimzi KafkaTopic). */
  createTopics?: boolean;
  /** Partitions of the data topics this bus creates (a DLQ gets 1). Default 3. */
  partitions?: number;
  /** Replication factor of created topics. Default: the broker's default.replication.factor. */
  replicationFactor?: number;
  /**
   * Upper bound for one produce request (including connecting and creating the topic) and for
   * ready(). Default 10 000 ms.
   */
  publishTimeoutMs?: number;
  /**
   * publishMany sends one request when the batch is up to this size, several (in order) above.
   * Keep it under the broker's message.max.bytes. Default 512 KiB.
   */
  maxRequestBytes?: number;
  /**
   * Upper bound for subscribe() to join its group. Default: the consumer session timeout + 30 s
   * (see subscribeDeadlineMs).
   */
  subscribeTimeoutMs?: number;
  /** kafkajs log entries at or above this level reach the logger. Default 'warn'. */
  kafkaLogLevel?: KafkaLogLevel;
  consumer?: KafkaConsumerTuning;
  /** Further kafkajs client settings: ssl, sasl, connectionTimeout, requestTimeout, retry, socketFactory. */
  kafka?: Omit<KafkaConfig, 'brokers' | 'clientId' | 'logCreator' | 'logLevel'>;
}

/**
 * How long subscribe() may take to join its group. A replacement for a crashed member (SIGKILL,
 * OOM) cannot join before the broker has expired the dead one, which takes up to the session
 * timeout; with a fixed 30 s deadline a restarted archive-service was ready after 29.9 s, a hair
 * from failing its start-up (found by make test-faults, archive-kill). So: the session timeout
 * plus 30 s for the join itself.
 */
export function subscribeDeadlineMs(
  options: Pick<KafkaEventBusOptions, 'subscribeTimeoutMs' | 'consumer'>,
): number {
  return options.subscribeTimeoutMs ?? (options.consumer?.sessionTimeout ?? 30_000) + 30_000;
}

class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly producers: ProducerPool;
  private readonly metrics: EventBusMetrics;
  private readonly lag: LagTracker;
  private readonly logger: Logger;
  private readonly topicsReady = new Map<string, Promise<void>>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly publishTimeoutMs: number;
  private admin: Promise<Admin> | undefined;
  /** Admin calls still running, including ones a deadline gave up on; close() waits for them. */
  private readonly adminCalls = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: KafkaEventBusOptions) {
    this.logger = options.logger;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.metrics = createEventBusMetrics(options.registry);
    this.lag = new LagTracker(this.metrics);
    this.kafka = new Kafka({
      // Fail fast and retry a few times: callers have their own deadlines and retries (the
      // outbox relay re-publishes), consumers restart themselves after the retries run out.
      connectionTimeout: 3_000,
      requestTimeout: Math.max(this.publishTimeoutMs, 10_000),
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 5 },
      ...options.kafka,
      brokers: options.brokers,
      clientId: options.clientId,
      logLevel: kafkaLogLevels[options.kafkaLogLevel ?? 'warn'],
      logCreator: pinoLogCreator(options.logger),
    });
    this.producers = new ProducerPool(
      this.kafka,
      {
        idempotent: true,
        allowAutoTopicCreation: false,
        // The Java client's murmur2 partitioner, so keys land where other clients put them.
        createPartitioner: Partitioners.DefaultPartitioner,
        // Bounded (see ProducerPool): about 6 s of retries before a send gives up.
        retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 5 },
      },
      this.logger,
    );
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

  async publishMany<T extends Topic>(
    topic: T,
    items: readonly PublishItem<T>[],
  ): Promise<TopicEvent<T>[]> {
    this.assertOpen();
    const encoded = encodeEvents(topic, items);
    if (encoded.length === 0) return [];
    await this.send(
      topic.name,
      encoded.map(({ key, value, headers }) => ({ key, value, headers })),
    );
    return encoded.map((e) => e.envelope);
  }

  async publishRaw(
    topicName: string,
    value: string | Buffer | null,
    opts: RawPublishOptions = {},
  ): Promise<void> {
    this.assertOpen();
    assertValidTopicName(topicName);
    await this.send(topicName, [{ key: opts.key ?? null, value, headers: { ...opts.headers } }]);
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

  async ready(): Promise<void> {
    this.assertOpen();
    await withDeadline(this.publishTimeoutMs, 'Kafka readiness check', () =>
      this.withAdmin((admin) => admin.describeCluster()),
    );
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.stop()));
      this.subscriptions.clear();
      await this.producers.close();
      // An abandoned admin call (a deadline gave up on it) would reconnect behind a disconnect.
      await Promise.allSettled([...this.adminCalls]);
      const admin = this.admin;
      this.admin = undefined;
      if (admin) await admin.then((a) => a.disconnect()).catch(() => undefined);
    })();
    return this.closing;
  }

  private async join(
    topicName: string,
    opts: { groupId: string; fromBeginning?: boolean },
    makeProcessor: ConstructorParameters<typeof KafkaSubscription>[4],
  ): Promise<Subscription> {
    this.assertOpen();
    assertValidTopicName(topicName);
    if (!opts.groupId) throw new Error('subscribe: groupId must not be empty');
    const subscribeTimeoutMs = subscribeDeadlineMs(this.options);
    await withDeadline(subscribeTimeoutMs, `Creating topic ${topicName}`, async () => {
      await this.ensureTopic(topicName);
      // Dead letters must have somewhere to go before the first invalid message shows up.
      if (!isDlqTopicName(topicName)) await this.ensureTopic(dlqTopicName(topicName));
    });
    const tuning = this.options.consumer ?? {};
    const subscription = new KafkaSubscription(
      {
        kafka: this.kafka,
        consumerConfig: {
          sessionTimeout: tuning.sessionTimeout ?? 30_000,
          heartbeatInterval: tuning.heartbeatInterval ?? 3_000,
          rebalanceTimeout: tuning.rebalanceTimeout ?? 60_000,
          maxWaitTimeInMs: tuning.maxWaitTimeInMs ?? 500,
          minBytes: tuning.minBytes ?? 1,
          allowAutoTopicCreation: false,
          // kafkajs restarts the consumer after retriable failures (e.g. the broker went away).
          retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 8 },
        },
        partitionsConsumedConcurrently: Math.max(1, tuning.partitionsConsumedConcurrently ?? 1),
        withAdmin: (fn) => this.withAdmin(fn),
        logger: this.logger,
        lag: this.lag,
        subscribeTimeoutMs,
      },
      topicName,
      opts.groupId,
      opts.fromBeginning ?? false,
      makeProcessor,
    );
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.subscriptions.delete(subscription);
      throw error;
    }
    // A bus closed meanwhile must not leave this consumer running.
    if (this.closing) {
      await subscription.stop();
      throw new Error('EventBus is closed');
    }
    return {
      stop: async () => {
        await subscription.stop();
        this.subscriptions.delete(subscription);
      },
    };
  }

  private async send(topicName: string, messages: Message[]): Promise<void> {
    const maxBytes = this.options.maxRequestBytes ?? defaultMaxRequestBytes;
    for (const chunk of chunkMessages(messages, maxBytes)) {
      await withDeadline(
        this.publishTimeoutMs,
        `Publishing ${chunk.length} message(s) to ${topicName}`,
        async (signal) => {
          await this.ensureTopic(topicName);
          signal.throwIfAborted();
          await this.producers.run(signal, (producer) =>
            producer.send({
              topic: topicName,
              messages: chunk,
              acks: -1,
              timeout: this.publishTimeoutMs,
            }),
          );
        },
      );
      this.metrics.published(topicName, chunk.length);
    }
  }

  private async deadLetter(topic: Topic, groupId: string, letters: DeadLetter[]): Promise<void> {
    await this.send(
      topic.dlqName,
      letters.map((letter) => ({
        key: letter.record.key,
        value: letter.record.value,
        headers: deadLetterHeaders(letter, groupId),
      })),
    );
  }

  /** Creates the topic once per process if it is missing; "already exists" is success. */
  private ensureTopic(name: string): Promise<void> {
    if (this.options.createTopics === false) return Promise.resolve();
    let ready = this.topicsReady.get(name);
    if (!ready) {
      // On a fresh broker several processes create the same topics at once; the losers see
      // retriable errors ("does not host this topic-partition", leader not yet elected) for a
      // moment. Retry those with backoff instead of failing a service's start-up.
      ready = (async () => {
        for (let attempt = 0; ; attempt += 1) {
          try {
            await this.withAdmin(async (admin) => {
              // Look first: createTopics on an existing topic makes kafkajs log "Topic creation
              // errors" at error level on every start of every service.
              const existing = await admin.listTopics();
              if (existing.includes(name)) return;
              await admin.createTopics({
                waitForLeaders: true,
                timeout: this.publishTimeoutMs,
                topics: [
                  {
                    topic: name,
                    numPartitions: isDlqTopicName(name) ? 1 : (this.options.partitions ?? 3),
                    replicationFactor: this.options.replicationFactor ?? -1,
                  },
                ],
              });
            });
            return;
          } catch (error) {
            if (!isRetriableKafkaError(error) || attempt >= 8) throw error;
            await sleep(backoffDelay(attempt));
          }
        }
      })();
      this.topicsReady.set(name, ready);
      // A failure (broker down) must not be cached: the next use tries again.
      ready.catch(() => {
        if (this.topicsReady.get(name) === ready) this.topicsReady.delete(name);
      });
    }
    return ready;
  }

  /** Runs `fn` on the shared admin client; a failure replaces the client (it may be broken). */
  private withAdmin<R>(fn: (admin: Admin) => Promise<R>): Promise<R> {
    const current = (this.admin ??= (async () => {
      // Few retries: every caller has its own deadline, and close() waits for calls to settle.
      const admin = this.kafka.admin({
        retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 3 },
      });
      try {
        await admin.connect();
      } catch (error) {
        await admin.disconnect().catch(() => undefined);
        throw error;
      }
      return admin;
    })());
    const call = (async () => {
      try {
        return await fn(await current);
      } catch (error) {
        if (this.admin === current) {
          this.admin = undefined;
          current.then((a) => a.disconnect()).catch(() => undefined);
        }
        throw error;
      }
    })();
    this.adminCalls.add(call);
    const forget = (): void => {
      this.adminCalls.delete(call);
    };
    call.then(forget, forget);
    return call;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('EventBus is closed');
  }
}

/** The cluster event bus. Nothing connects until the first publish, subscribe or ready(). */
export function createKafkaEventBus(options: KafkaEventBusOptions): EventBus {
  return new KafkaEventBus(options);
}

/** kafkajs marks transient protocol errors (no leader yet, coordinator moving) as retriable. */
function isRetriableKafkaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('retriable' in error && error.retriable === true) return true;
  return 'cause' in error && isRetriableKafkaError(error.cause);
}
