// Metrics of the message store. Every chat-service metric starts with `chat_` (realtime's too),
// so dashboards can select the service's own series with one prefix.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface MessageMetrics {
  received: Counter;
  duplicates: Counter;
  storeDuration: Histogram;
}

export function createMessageMetrics(registry: Registry): MessageMetrics {
  return {
    received: new Counter({
      name: 'chat_messages_received_total',
      help: 'Messages stored (each one once; retries of a stored message are not counted)',
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'chat_messages_duplicate_total',
      help: 'Sends answered with an already stored message (same user and clientMsgId)',
      registers: [registry],
    }),
    storeDuration: new Histogram({
      name: 'chat_message_store_duration_seconds',
      help: 'Time to store one message (seq assignment and insert) in Postgres',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
