// The wire format: every event is a JSON envelope, validated when it is published and again when
// it is consumed (another producer, an older version or a hand-written message may be wrong).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EventType, Topic, TopicEvent } from './topic.js';

export const envelopeSchema = z.strictObject({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.unknown(),
});

/** Thrown by publish when an event does not match its topic's contract; nothing was sent. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    message: string,
    readonly topic: string,
    readonly type: string,
  ) {
    super(message);
  }
}

export interface PublishOptions {
  /** Kafka message key: events with the same key keep their order (same partition). */
  key?: string;
  /** Event id (uuid); defaults to a random one. Pass a stable id to make re-publishing idempotent. */
  id?: string;
  /** Defaults to now. */
  occurredAt?: Date;
}

/** One item of publishMany: a type, its data and the per-event options. */
export type PublishItem<T extends Topic> = {
  [K in EventType<T>]: PublishOptions & { type: K; data: z.input<T['events'][K]> };
}[EventType<T>];

/** An event ready for the wire. */
export interface EncodedEvent<T extends Topic> {
  envelope: TopicEvent<T>;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** Longest error reason kept in logs and DLQ headers. */
const maxReasonLength = 1000;

function truncate(text: string): string {
  return text.length > maxReasonLength ? `${text.slice(0, maxReasonLength - 1)}…` : text;
}

/**
 * Validates and serialises events. All-or-nothing: one invalid item throws before anything is
 * encoded, so a publishMany never sends half a batch.
 */
export function encodeEvents<T extends Topic>(
  topic: T,
  items: readonly PublishItem<T>[],
): EncodedEvent<T>[] {
  return items.map((item) => {
    const type: string = item.type;
    const schema = Object.hasOwn(topic.events, type) ? topic.events[type] : undefined;
    if (!schema) {
      throw new InvalidEventError(
        `Topic ${topic.name} has no event type "${type}"`,
        topic.name,
        type,
      );
    }
    const parsed = schema.safeParse(item.data);
    if (!parsed.success) {
      throw new InvalidEventError(
        `Invalid "${type}" event for topic ${topic.name}: ${truncate(z.prettifyError(parsed.error))}`,
        topic.name,
        type,
      );
    }
    const envelope = {
      id: item.id ?? randomUUID(),
      type,
      version: topic.versions[type] ?? 1,
      occurredAt: (item.occurredAt ?? new Date()).toISOString(),
      data: parsed.data,
    };
    // The envelope fields come from options (id, occurredAt), so they are checked as well.
    const checked = envelopeSchema.safeParse(envelope);
    if (!checked.success) {
      throw new InvalidEventError(
        `Invalid envelope for a "${type}" event on ${topic.name}: ${truncate(z.prettifyError(checked.error))}`,
        topic.name,
        type,
      );
    }
    return {
      envelope: envelope as TopicEvent<T>,
      key: item.key ?? null,
      value: Buffer.from(JSON.stringify(envelope)),
      headers: { type, version: String(envelope.version), id: envelope.id },
    };
  });
}

export type DecodeResult<T extends Topic> =
  { ok: true; event: TopicEvent<T> } | { ok: false; reason: string };

/** Parses and validates one consumed message; a failure says why, for the DLQ headers. */
export function decodeEvent<T extends Topic>(topic: T, value: Buffer | null): DecodeResult<T> {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    return { ok: false, reason: truncate(`invalid envelope: ${z.prettifyError(envelope.error)}`) };
  }
  const { type } = envelope.data;
  const schema = Object.hasOwn(topic.events, type) ? topic.events[type] : undefined;
  if (!schema) return { ok: false, reason: truncate(`unknown event type "${type}"`) };
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) {
    return {
      ok: false,
      reason: truncate(`invalid data for "${type}": ${z.prettifyError(data.error)}`),
    };
  }
  return { ok: true, event: { ...envelope.data, data: data.data } as TopicEvent<T> };
}
