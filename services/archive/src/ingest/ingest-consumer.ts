// The archive's feed: consumer group `archive` on chat.messages.v1. Each batch the bus delivers
// (one partition's fetch) becomes one store write; the bus commits the batch's offsets only after
// this handler resolved. A crash anywhere in between means the batch comes again, and the store's
// insert-if-absent by message id turns the replay into duplicates that change nothing: no message
// lost, none doubled.
//
// Invalid events never get here (the bus parks them in chat.messages.v1.dlq). A valid message the
// store refuses, because another id already holds its (roomId, seq), is dead-lettered here the
// same way, so one bad message cannot block its partition.
import {
  chatMessagesTopic,
  defineTopic,
  dlqHeaders,
  type ChatMessagesTopic,
  type EventBus,
  type Logger,
  type Subscription,
  type TopicEvent,
} from '@falablau/common';
import type { BatchWriter } from './batch-writer.js';

type ChatMessageEvent = TopicEvent<ChatMessagesTopic>;

/** chat.messages.v1, or the same events under another name (benchmarks, isolated runs). */
export function ingestTopic(name: string): ChatMessagesTopic {
  return name === chatMessagesTopic.name
    ? chatMessagesTopic
    : defineTopic(name, chatMessagesTopic.events);
}

export interface IngestOptions {
  eventBus: EventBus;
  topic: ChatMessagesTopic;
  writer: BatchWriter;
  logger: Logger;
  groupId: string;
  fromBeginning: boolean;
}

export const CONFLICT_REASON = 'conflict: (roomId, seq) is archived under another message id';

async function deadLetterConflicts(
  options: IngestOptions,
  events: ChatMessageEvent[],
  conflictIds: Set<string>,
): Promise<void> {
  const rejected = events.filter((event) => conflictIds.has(event.data.id));
  // Sequential and awaited: the batch is committed only once every letter is in the DLQ.
  for (const event of rejected) {
    await options.eventBus.publishRaw(options.topic.dlqName, JSON.stringify(event), {
      key: event.data.roomId,
      headers: {
        type: event.type,
        version: String(event.version),
        id: event.id,
        [dlqHeaders.topic]: options.topic.name,
        [dlqHeaders.reason]: CONFLICT_REASON,
        [dlqHeaders.group]: options.groupId,
      },
    });
  }
}

/** Joins the consumer group; resolves once this member is in it with its start offsets fixed. */
export function startIngest(options: IngestOptions): Promise<Subscription> {
  const { eventBus, topic, writer, logger, groupId, fromBeginning } = options;
  return eventBus.subscribe(topic, {
    groupId,
    fromBeginning,
    handleBatch: async (events) => {
      const result = await writer.write(
        events.map((event) => event.data),
        'kafka',
      );
      if (result.conflicts.length > 0) {
        await deadLetterConflicts(options, events, new Set(result.conflicts.map((m) => m.id)));
        logger.warn(
          { count: result.conflicts.length, dlq: topic.dlqName },
          'Conflicting messages moved to the DLQ',
        );
      }
    },
  });
}
