// What both buses do with a fetched batch: validate, park invalid messages in the DLQ, hand the
// valid events to the subscriber, and retry until it succeeds. The caller commits the batch only
// when this reports success, which is what makes delivery at-least-once without gaps.
import type { Logger } from 'pino';
import { decodeEvent } from './envelope.js';
import { dlqHeaders, type RawRecord } from './event-bus.js';
import type { EventBusMetrics } from './metrics.js';
import { backoffDelay, sleep } from './timing.js';
import type { Topic, TopicEvent } from './topic.js';

/**
 * Processes one batch. `isActive` turns false when the subscription stops or loses the partition:
 * retrying is then pointless, the batch is left uncommitted for the next owner.
 * Resolves true when the batch may be committed.
 */
export type RecordsProcessor = (records: RawRecord[], isActive: () => boolean) => Promise<boolean>;

export interface DeadLetter {
  record: RawRecord;
  reason: string;
}

/** A DLQ message: the original bytes and key, plus where it came from and why it was rejected. */
export function deadLetterHeaders(letter: DeadLetter, groupId: string): Record<string, string> {
  const { record, reason } = letter;
  return {
    ...record.headers,
    [dlqHeaders.topic]: record.topic,
    [dlqHeaders.partition]: String(record.partition),
    [dlqHeaders.offset]: record.offset,
    [dlqHeaders.reason]: reason,
    [dlqHeaders.group]: groupId,
  };
}

interface ProcessorContext {
  topicName: string;
  groupId: string;
  logger: Logger;
  metrics: EventBusMetrics;
  /** Aborted when the subscription stops: cuts retry back-off short. */
  signal: AbortSignal;
}

/** Runs `step` until it succeeds, or until the subscription is no longer active. */
async function untilDone(
  step: () => Promise<void>,
  isActive: () => boolean,
  context: ProcessorContext,
  what: string,
  onFailure?: () => void,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await step();
      return true;
    } catch (error) {
      onFailure?.();
      context.logger.warn(
        { err: error, topic: context.topicName, group: context.groupId, attempt },
        `${what} failed; the batch will be delivered again`,
      );
    }
    if (!isActive()) return false;
    await sleep(backoffDelay(attempt), context.signal);
    if (!isActive()) return false;
  }
}

export function eventProcessor<T extends Topic>(
  topic: T,
  context: ProcessorContext & {
    handleBatch: (events: TopicEvent<T>[]) => Promise<void>;
    deadLetter: (letters: DeadLetter[]) => Promise<void>;
  },
): RecordsProcessor {
  return async (records, isActive) => {
    const events: TopicEvent<T>[] = [];
    const letters: DeadLetter[] = [];
    for (const record of records) {
      const decoded = decodeEvent(topic, record.value);
      if (decoded.ok) events.push(decoded.event);
      else letters.push({ record, reason: decoded.reason });
    }
    if (letters.length > 0) {
      const parked = await untilDone(
        () => context.deadLetter(letters),
        isActive,
        context,
        'Dead-lettering invalid messages',
      );
      if (!parked) return false;
      for (const { record, reason } of letters) {
        context.logger.warn(
          {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            group: context.groupId,
            reason,
          },
          `Invalid message moved to ${topic.dlqName}`,
        );
      }
      context.metrics.deadLettered(topic.name, context.groupId, letters.length);
    }
    if (events.length === 0) return true;
    const handled = await untilDone(
      // A fresh array each attempt: a handler that mutates it cannot change the redelivery.
      () => context.handleBatch([...events]),
      isActive,
      context,
      'Event handler',
      () => {
        context.metrics.handlerFailed(topic.name, context.groupId);
      },
    );
    if (handled) context.metrics.consumed(topic.name, context.groupId, events.length);
    return handled;
  };
}

export function rawProcessor(
  context: ProcessorContext & { handleBatch: (records: RawRecord[]) => Promise<void> },
): RecordsProcessor {
  return async (records, isActive) => {
    const handled = await untilDone(
      () => context.handleBatch([...records]),
      isActive,
      context,
      'Raw record handler',
      () => {
        context.metrics.handlerFailed(context.topicName, context.groupId);
      },
    );
    if (handled) context.metrics.consumed(context.topicName, context.groupId, records.length);
    return handled;
  };
}
