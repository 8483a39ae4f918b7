import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { decodeEvent, encodeEvents, envelopeSchema, InvalidEventError } from './envelope.js';
import type { EventBus } from './event-bus.js';
import { defineTopic, type EventOf, type TopicEvent } from './topic.js';

const topic = defineTopic(
  'envelope-test.v1',
  {
    'user.renamed': z.object({ userId: z.string(), name: z.string().trim().min(1) }),
    'user.deleted': z.object({ userId: z.string() }),
  },
  { versions: { 'user.renamed': 3 } },
);

describe('defineTopic', () => {
  test('names the DLQ and defaults versions to 1', () => {
    expect(topic.name).toBe('envelope-test.v1');
    expect(topic.dlqName).toBe('envelope-test.v1.dlq');
    expect(topic.versions).toEqual({ 'user.renamed': 3, 'user.deleted': 1 });
    expect(Object.isFrozen(topic)).toBe(true);
  });

  test.each([
    ['an invalid Kafka name', 'has space', { a: z.string() }],
    ['a DLQ name', 'x.v1.dlq', { a: z.string() }],
    ['no event types', 'empty.v1', {}],
  ])('rejects %s', (_label, name, events) => {
    expect(() => defineTopic(name, events)).toThrow();
  });

  test('rejects a version that is not a positive integer', () => {
    expect(() => defineTopic('v.v1', { a: z.string() }, { versions: { a: 0 } })).toThrow(
      /positive integer/,
    );
  });
});

describe('encodeEvents / decodeEvent', () => {
  test('round-trips: validated output in the envelope, type/version/id headers', () => {
    const id = randomUUID();
    const [encoded] = encodeEvents(topic, [
      {
        type: 'user.renamed',
        key: 'u1',
        id,
        occurredAt: new Date('2025-01-02T03:04:05.678Z'),
        data: { userId: 'u1', name: '  Ana  ' },
      },
    ]);
    if (!encoded) throw new Error('nothing encoded');
    expect(encoded.envelope).toEqual({
      id,
      type: 'user.renamed',
      version: 3,
      occurredAt: '2025-01-02T03:04:05.678Z',
      data: { userId: 'u1', name: 'Ana' },
    });
    expect(encoded.key).toBe('u1');
    expect(encoded.headers).toEqual({ type: 'user.renamed', version: '3', id });
    expect(decodeEvent(topic, encoded.value)).toEqual({ ok: true, event: encoded.envelope });
  });

  test('throws InvalidEventError naming the topic and type; nothing is encoded', () => {
    let error: unknown;
    try {
      encodeEvents(topic, [
        { type: 'user.deleted', data: { userId: 'ok' } },
        { type: 'user.renamed', data: { userId: 'u', name: '   ' } },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error).toMatchObject({ topic: 'envelope-test.v1', type: 'user.renamed' });
  });

  test.each([
    ['null', null, /empty/],
    ['not JSON', Buffer.from('nope'), /not JSON/],
    ['a JSON array', Buffer.from('[]'), /invalid envelope/],
    ['extra envelope fields', envelope({ extra: 1 }), /invalid envelope/],
    ['a zero version', envelope({ version: 0 }), /invalid envelope/],
    ['a date without time', envelope({ occurredAt: '2025-01-01' }), /invalid envelope/],
    ['an unknown type', envelope({ type: 'user.exploded' }), /unknown event type/],
    ['a prototype key as type', envelope({ type: 'constructor' }), /unknown event type/],
    ['bad data', envelope({ data: { userId: 1 } }), /invalid data/],
  ])('rejects %s with a reason', (_label, value, reason) => {
    const result = decodeEvent(topic, value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  test('accepts timestamps with an offset', () => {
    expect(decodeEvent(topic, envelope({ occurredAt: '2025-01-01T10:00:00+02:00' })).ok).toBe(true);
  });
});

function envelope(patch: Record<string, unknown>): Buffer {
  const base = envelopeSchema.parse({
    id: randomUUID(),
    type: 'user.deleted',
    version: 1,
    occurredAt: new Date().toISOString(),
    data: { userId: 'u1' },
  });
  return Buffer.from(JSON.stringify({ ...base, ...patch }));
}

// Compile-time checks: the compiler ties each event type to its data schema.
describe('types', () => {
  test('publish, publishMany and handlers are typed per event type', () => {
    const typed = (bus: EventBus) => async () => {
      const renamed: EventOf<typeof topic, 'user.renamed'> = await bus.publish(
        topic,
        'user.renamed',
        { userId: 'u', name: 'n' },
      );
      // @ts-expect-error -- `name` is required for user.renamed
      await bus.publish(topic, 'user.renamed', { userId: 'u' });
      // @ts-expect-error -- no such event type on this topic
      await bus.publish(topic, 'user.created', { userId: 'u' });
      // @ts-expect-error -- data of one type cannot travel under another type
      await bus.publishMany(topic, [{ type: 'user.deleted', data: { name: 'n' } }]);
      await bus.subscribe(topic, {
        groupId: 'g',
        handleBatch: (events: TopicEvent<typeof topic>[]) => {
          for (const event of events) {
            if (event.type === 'user.renamed') expect(event.data.name).toBeDefined();
            // @ts-expect-error -- user.deleted carries no name
            else expect(event.data.name).toBeUndefined();
          }
          return Promise.resolve();
        },
      });
      return renamed;
    };
    expect(typeof typed).toBe('function');
  });
});
