import type { Message } from 'kafkajs';
import { chunkMessages, messageBytes } from './kafka-batches.js';

const message = (bytes: number): Message => ({ key: 'k', value: Buffer.alloc(bytes) });

describe('chunkMessages', () => {
  test('keeps a batch that fits in one request whole', () => {
    const messages = [message(100), message(100)];
    expect(chunkMessages(messages, 10_000)).toEqual([messages]);
  });

  test('splits in order at the size limit; an oversized message travels alone', () => {
    const [a, b, c, d] = [message(400), message(400), message(5_000), message(10)];
    const chunks = chunkMessages([a, b, c, d], 1_000);
    expect(chunks).toEqual([[a, b], [c], [d]]);
  });

  test('counts keys and headers', () => {
    const plain = messageBytes({ value: 'x' });
    expect(messageBytes({ key: 'abc', value: 'x', headers: { h: ['12', Buffer.from('3')] } })).toBe(
      plain + 3 + 1 + 3,
    );
  });

  test('no messages, no requests', () => {
    expect(chunkMessages([], 100)).toEqual([]);
  });
});
