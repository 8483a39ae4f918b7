// The public face of the event log: topics and envelopes, the EventBus interface, and its two
// implementations. Test helpers (the contract suite, waitFor, the test network) stay internal.
export {
  defineTopic,
  dlqTopicName,
  type DefineTopicOptions,
  type Envelope,
  type EventData,
  type EventInput,
  type EventOf,
  type EventSchemas,
  type EventType,
  type Topic,
  type TopicEvent,
} from './topic.js';
export {
  envelopeSchema,
  InvalidEventError,
  type PublishItem,
  type PublishOptions,
} from './envelope.js';
export {
  dlqHeaders,
  type EventBus,
  type RawPublishOptions,
  type RawRecord,
  type RawSubscribeOptions,
  type SubscribeOptions,
  type Subscription,
} from './event-bus.js';
export { EventBusTimeoutError } from './timing.js';
export { createInProcessEventBus, type InProcessEventBusOptions } from './in-process-event-bus.js';
export {
  createKafkaEventBus,
  type KafkaConsumerTuning,
  type KafkaEventBusOptions,
} from './kafka-event-bus.js';
export type { KafkaLogLevel } from './kafka-logging.js';
export {
  checkKafkaSecurityEnv,
  kafkaClientSecurity,
  kafkaSecurityEnvShape,
  toKafkaSecurityConfig,
  type KafkaSecurityConfig,
  type KafkaSecurityEnv,
} from './kafka-security.js';
