// A topic is a name plus the event types it carries, each with the zod schema of its `data`.
// Producers and consumers import the same definition, so both ends validate the same contract.
import type { z } from 'zod';

/** The event types a topic carries, each mapped to the schema of its `data`. */
export type EventSchemas = Record<string, z.ZodType>;

export interface Topic<E extends EventSchemas = EventSchemas> {
  /** Kafka topic name, e.g. `auth.sessions.v1`. */
  readonly name: string;
  /** Where messages that fail validation on the consumer side are parked: `<name>.dlq`. */
  readonly dlqName: string;
  readonly events: Readonly<E>;
  /** The envelope `version` written for each event type (default 1). */
  readonly versions: Readonly<Record<string, number>>;
}

export type EventType<T extends Topic> = Extract<keyof T['events'], string>;
/** What a publisher passes as `data` (before zod defaults and transforms). */
export type EventInput<T extends Topic, K extends EventType<T>> = z.input<T['events'][K]>;
/** What a consumer receives as `data` (after validation). */
export type EventData<T extends Topic, K extends EventType<T>> = z.output<T['events'][K]>;

/** The JSON envelope every event travels in. */
export interface Envelope<K extends string = string, D = unknown> {
  id: string;
  type: K;
  version: number;
  /** ISO-8601 timestamp of when the fact happened (not when it was published). */
  occurredAt: string;
  data: D;
}

/** One event type of a topic, with its validated data. */
export type EventOf<T extends Topic, K extends EventType<T>> = Envelope<K, EventData<T, K>>;

/** Any event of a topic: a union discriminated by `type`. */
export type TopicEvent<T extends Topic> = { [K in EventType<T>]: EventOf<T, K> }[EventType<T>];

export const DLQ_SUFFIX = '.dlq';

// Kafka's own rule for topic names.
const topicNamePattern = /^[a-zA-Z0-9._-]{1,249}$/;

export function dlqTopicName(topicName: string): string {
  return `${topicName}${DLQ_SUFFIX}`;
}

export function isDlqTopicName(topicName: string): boolean {
  return topicName.endsWith(DLQ_SUFFIX);
}

export function assertValidTopicName(name: string): void {
  if (!topicNamePattern.test(name) || name === '.' || name === '..') {
    throw new Error(`Invalid topic name "${name}": use 1-249 characters from [a-zA-Z0-9._-]`);
  }
}

export interface DefineTopicOptions<E extends EventSchemas> {
  /** Bump an event type's version on compatible changes of its data; incompatible ones need a new topic. */
  versions?: { [K in keyof E]?: number };
}

export function defineTopic<E extends EventSchemas>(
  name: string,
  events: E,
  options: DefineTopicOptions<E> = {},
): Topic<E> {
  assertValidTopicName(name);
  // The DLQ name must stay a valid topic name, and a DLQ of a DLQ would only hide bugs.
  assertValidTopicName(dlqTopicName(name));
  if (isDlqTopicName(name)) throw new Error(`Topic name "${name}" is reserved for dead letters`);
  const types = Object.keys(events);
  if (types.length === 0) throw new Error(`Topic "${name}" must carry at least one event type`);
  const versions: Record<string, number> = {};
  for (const type of types) {
    const version: unknown = options.versions?.[type] ?? 1;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new Error(`Topic "${name}": version of "${type}" must be a positive integer`);
    }
    versions[type] = version;
  }
  return Object.freeze({
    name,
    dlqName: dlqTopicName(name),
    events: Object.freeze({ ...events }),
    versions: Object.freeze(versions),
  });
}
