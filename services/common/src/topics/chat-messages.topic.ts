// `chat.messages.v1`: every stored chat message, published by chat-service's outbox relay and
// consumed by archive-service (and any later reader: search, notifications). Keyed by room id,
// so one room's messages share a partition; the envelope id is the message id, so a message
// published twice (at-least-once delivery) is recognisable as the same one.
import { chatMessageSchema } from '../contracts/chat.schemas.js';
import { defineTopic } from '../events/topic.js';

export const chatMessagesTopic = defineTopic('chat.messages.v1', {
  'message.created': chatMessageSchema,
});

export type ChatMessagesTopic = typeof chatMessagesTopic;
