// Splits a publishMany into produce requests the broker accepts. Kafka rejects a record batch
// larger than message.max.bytes (1 MiB by default) and kafkajs puts all messages of one partition
// in one batch, so an outbox relay flushing a busy room could otherwise fail forever on the same
// oversized batch. Typical batches fit in one request; only big ones take several, in order.
import type { Message } from 'kafkajs';

/** Default bytes per produce request: half the broker's default limit leaves room for overhead. */
export const defaultMaxRequestBytes = 512 * 1024;

// Per-record framing (offset delta, timestamp, lengths): a generous estimate.
const recordOverhead = 64;

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

export function messageBytes(message: Message): number {
  let size = recordOverhead + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size += Buffer.byteLength(name);
    for (const part of Array.isArray(value) ? value : [value]) size += byteLength(part);
  }
  return size;
}

/** Consecutive chunks of at most `maxBytes` each (a single larger message travels alone). */
export function chunkMessages(messages: readonly Message[], maxBytes: number): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = messageBytes(message);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
