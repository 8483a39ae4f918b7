// The behaviour every EventBus implementation must show, written once and run against each
// (in-process-event-bus.test.ts, kafka-event-bus.test.ts). Each test uses its own topic and group
// names, so runs against a shared broker do not see each other's messages.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { InvalidEventError, type PublishItem } from './envelope.js';
import { dlqHeaders, type EventBus, type RawRecord } from './event-bus.js';
import { defineTopic, type TopicEvent } from './topic.js';
import { settle, waitFor } from './wait-for.js';

export interface ContractTarget {
  bus: EventBus;
  cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** Longest wait for a delivery that must happen. */
  deliveryTimeoutMs: number;
  /** How long to watch for a delivery that must NOT happen. */
  quietMs: number;
  /** Jest timeout of each test. */
  testTimeoutMs?: number;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function makeTopic() {
  return defineTopic(
    `contract.${randomUUID().slice(0, 8)}.v1`,
    {
      'message.created': z.object({
        roomId: z.string(),
        seq: z.int().nonnegative(),
        text: z.string().min(1),
        // Input and output differ: publishers may omit it, consumers always see it.
        edited: z.boolean().default(false),
      }),
      'room.deleted': z.object({ roomId: z.string() }),
    },
    { versions: { 'room.deleted': 2 } },
  );
}

type TestTopic = ReturnType<typeof makeTopic>;
type TestEvent = TopicEvent<TestTopic>;

function group(label: string): string {
  return `contract-${label}-${randomUUID().slice(0, 8)}`;
}

function messageData(roomId: string, seq: number) {
  return { roomId, seq, text: `message ${seq}` };
}

function message(key: string, seq: number): PublishItem<TestTopic> {
  return { type: 'message.created', key, data: messageData(key, seq) };
}

/** A handler that records what it receives. */
function recorder() {
  const events: TestEvent[] = [];
  return {
    events,
    handleBatch: (batch: TestEvent[]): Promise<void> => {
      events.push(...batch);
      return Promise.resolve();
    },
  };
}

function seqsByRoom(events: readonly TestEvent[]): Map<string, number[]> {
  const byRoom = new Map<string, number[]>();
  for (const event of events) {
    if (event.type !== 'message.created') continue;
    const seqs = byRoom.get(event.data.roomId) ?? [];
    seqs.push(event.data.seq);
    byRoom.set(event.data.roomId, seqs);
  }
  return byRoom;
}

function ids(events: readonly { id: string }[]): string[] {
  return events.map((e) => e.id).sort();
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** An envelope as JSON, for raw publishing; `patch` breaks it on purpose. */
function rawEnvelope(seq: number, patch: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: randomUUID(),
    type: 'message.created',
    version: 1,
    occurredAt: new Date().toISOString(),
    data: { roomId: 'dlq-room', seq, text: 'raw' },
    ...patch,
  });
}

export function eventBusContract(
  name: string,
  makeBus: () => Promise<ContractTarget>,
  { deliveryTimeoutMs, quietMs, testTimeoutMs }: ContractOptions,
): void {
  // Every test gets the same timeout, passed explicitly (ESM test files have no global `jest`).
  const it = (title: string, fn: () => Promise<void>): void => {
    test(title, fn, testTimeoutMs);
  };

  describe(`EventBus contract: ${name}`, () => {
    let target: ContractTarget;
    let bus: EventBus;

    beforeEach(async () => {
      target = await makeBus();
      bus = target.bus;
    }, testTimeoutMs);

    afterEach(async () => {
      await target.cleanup();
    }, testTimeoutMs);

    const deliver = (predicate: () => boolean, what: string | (() => string)) =>
      waitFor(predicate, what, { timeoutMs: deliveryTimeoutMs });

    it('delivers a published event with its typed data and envelope fields', async () => {
      const topic = makeTopic();
      const received = recorder();
      const sub = await bus.subscribe(topic, { groupId: group('roundtrip'), ...received });

      const id = randomUUID();
      const occurredAt = new Date('2024-05-01T12:00:00.000Z');
      const published = await bus.publish(
        topic,
        'message.created',
        { roomId: 'r1', seq: 1, text: 'hello' },
        { key: 'r1', id, occurredAt },
      );
      // The returned envelope carries the validated output (the default filled in).
      const edited: boolean = published.data.edited;
      expect(edited).toBe(false);
      expect(published).toEqual({
        id,
        type: 'message.created',
        version: 1,
        occurredAt: '2024-05-01T12:00:00.000Z',
        data: { roomId: 'r1', seq: 1, text: 'hello', edited: false },
      });

      const before = Date.now();
      const deleted = await bus.publish(topic, 'room.deleted', { roomId: 'r1' }, { key: 'r1' });
      expect(deleted.id).toMatch(uuidPattern);
      expect(deleted.version).toBe(2);
      expect(Date.parse(deleted.occurredAt)).toBeGreaterThanOrEqual(before - 1_000);
      expect(Date.parse(deleted.occurredAt)).toBeLessThanOrEqual(Date.now() + 1_000);

      await deliver(
        () => received.events.length >= 2,
        () => `got ${received.events.length}/2`,
      );
      expect(received.events).toEqual([published, deleted]);
      const last = received.events[1];
      // The union narrows by type.
      if (last?.type === 'room.deleted') expect(last.data.roomId).toBe('r1');
      else throw new Error('expected room.deleted last');
      await sub.stop();
    });

    it('publishMany sends a batch, returns the envelopes in order and delivers them all', async () => {
      const topic = makeTopic();
      const received = recorder();
      const sub = await bus.subscribe(topic, { groupId: group('many'), ...received });

      const items: PublishItem<TestTopic>[] = range(50).map((i) => message(`room-${i % 5}`, i));
      items.push({ type: 'room.deleted', key: 'room-0', data: { roomId: 'room-0' } });
      const envelopes = await bus.publishMany(topic, items);
      expect(envelopes.map((e) => e.type)).toEqual(items.map((i) => i.type));
      expect(new Set(envelopes.map((e) => e.id)).size).toBe(items.length);
      expect(await bus.publishMany(topic, [])).toEqual([]);

      await deliver(
        () => received.events.length >= items.length,
        () => `got ${received.events.length}/${items.length}`,
      );
      await settle(quietMs);
      expect(ids(received.events)).toEqual(ids(envelopes));
      await sub.stop();
    });

    it('rejects invalid events at publish time and sends nothing', async () => {
      const topic = makeTopic();
      const received = recorder();
      const sub = await bus.subscribe(topic, {
        groupId: group('invalid'),
        fromBeginning: true,
        ...received,
      });

      await expect(
        bus.publish(topic, 'message.created', { roomId: 'r', seq: -1, text: '' }),
      ).rejects.toBeInstanceOf(InvalidEventError);
      // Callers without types (plain JS, parsed input) are caught at runtime too.
      await expect(
        bus.publish(topic, 'message.exploded' as 'room.deleted', { roomId: 'r' }),
      ).rejects.toBeInstanceOf(InvalidEventError);
      await expect(
        bus.publish(topic, 'room.deleted', { roomId: 'r' }, { id: 'not-a-uuid' }),
      ).rejects.toBeInstanceOf(InvalidEventError);
      await expect(
        bus.publish(topic, 'room.deleted', { roomId: 'r' }, { occurredAt: new Date(Number.NaN) }),
      ).rejects.toThrow();
      // One bad item fails the whole batch before anything is sent.
      await expect(
        bus.publishMany(topic, [
          message('r', 1),
          { type: 'message.created', data: { roomId: 'r', seq: 2 } as never },
        ]),
      ).rejects.toBeInstanceOf(InvalidEventError);

      const sentinel = await bus.publish(topic, 'room.deleted', { roomId: 'sentinel' });
      await deliver(() => received.events.length >= 1, 'the sentinel event');
      await settle(quietMs);
      expect(received.events).toEqual([sentinel]);
      await sub.stop();
    });

    it('moves invalid messages to <topic>.dlq and keeps delivering the valid ones', async () => {
      const topic = makeTopic();
      const groupId = group('dlq');
      const received = recorder();
      const sub = await bus.subscribe(topic, { groupId, ...received });

      const invalid: { value: string | null; reason: RegExp }[] = [
        { value: '{"not json', reason: /not JSON/ },
        { value: rawEnvelope(0, { id: undefined, extra: true }), reason: /invalid envelope/ },
        { value: rawEnvelope(0, { type: 'message.exploded' }), reason: /unknown event type/ },
        {
          value: rawEnvelope(0, { data: { roomId: 'dlq-room', seq: 'x', text: 't' } }),
          reason: /invalid data/,
        },
        { value: null, reason: /empty/ },
      ];
      // One key, so valid and invalid messages interleave in one partition, in this order.
      await bus.publishRaw(topic.name, rawEnvelope(0), { key: 'dlq-room' });
      for (const [i, bad] of invalid.entries()) {
        await bus.publishRaw(topic.name, bad.value, {
          key: 'dlq-room',
          headers: { origin: 'test' },
        });
        await bus.publishRaw(topic.name, rawEnvelope(i + 1), { key: 'dlq-room' });
      }

      const expected = range(invalid.length + 1);
      await deliver(
        () => received.events.length >= expected.length,
        () => `valid messages: got ${received.events.length}/${expected.length}`,
      );
      expect(seqsByRoom(received.events).get('dlq-room')).toEqual(expected);

      const letters: RawRecord[] = [];
      const dlqSub = await bus.subscribeRaw(topic.dlqName, {
        groupId: group('dlq-reader'),
        fromBeginning: true,
        handleBatch: (records) => {
          letters.push(...records);
          return Promise.resolve();
        },
      });
      await deliver(
        () => letters.length >= invalid.length,
        () => `dead letters: got ${letters.length}/${invalid.length}`,
      );
      await settle(quietMs);
      expect(letters).toHaveLength(invalid.length);
      const offsets: number[] = [];
      for (const [i, letter] of letters.entries()) {
        const bad = invalid[i];
        if (!bad) throw new Error('more dead letters than invalid messages');
        expect(letter.value?.toString() ?? null).toBe(bad.value);
        expect(letter.key).toBe('dlq-room');
        expect(letter.headers.origin).toBe('test');
        expect(letter.headers[dlqHeaders.topic]).toBe(topic.name);
        expect(letter.headers[dlqHeaders.group]).toBe(groupId);
        expect(letter.headers[dlqHeaders.reason]).toMatch(bad.reason);
        expect(letter.headers[dlqHeaders.partition]).toMatch(/^\d+$/);
        offsets.push(Number(letter.headers[dlqHeaders.offset]));
      }
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      await dlqSub.stop();
      await sub.stop();
    });

    it('keeps the order of events with the same key', async () => {
      const topic = makeTopic();
      const received: TestEvent[] = [];
      const sub = await bus.subscribe(topic, {
        groupId: group('order'),
        handleBatch: async (batch) => {
          // Uneven handler time must not reorder anything.
          if (Math.random() < 0.3) await settle(2);
          received.push(...batch);
        },
      });

      const rooms = ['a', 'b', 'c', 'd'];
      const perRoom = 100;
      let seq = 0;
      while (seq < perRoom) {
        if (seq % 20 === 0) {
          // Mix single publishes with batches.
          for (const room of rooms)
            await bus.publish(topic, 'message.created', messageData(room, seq), { key: room });
          seq += 1;
          continue;
        }
        const chunk = range(Math.min(9, perRoom - seq)).map((i) => seq + i);
        await bus.publishMany(
          topic,
          chunk.flatMap((s) => rooms.map((room) => message(room, s))),
        );
        seq += chunk.length;
      }

      const total = rooms.length * perRoom;
      await deliver(
        () => received.length >= total,
        () => `got ${received.length}/${total}`,
      );
      const byRoom = seqsByRoom(received);
      for (const room of rooms) expect(byRoom.get(room)).toEqual(range(perRoom));
      await sub.stop();
    });

    it('delivers every event to each consumer group', async () => {
      const topic = makeTopic();
      const first = recorder();
      const second = recorder();
      const subs = [
        await bus.subscribe(topic, { groupId: group('fan-a'), ...first }),
        await bus.subscribe(topic, { groupId: group('fan-b'), ...second }),
      ];

      const envelopes = await bus.publishMany(
        topic,
        range(30).map((i) => message(`room-${i % 7}`, i)),
      );
      await deliver(
        () => first.events.length >= 30 && second.events.length >= 30,
        () => `group a: ${first.events.length}/30, group b: ${second.events.length}/30`,
      );
      await settle(quietMs);
      expect(ids(first.events)).toEqual(ids(envelopes));
      expect(ids(second.events)).toEqual(ids(envelopes));
      for (const sub of subs) await sub.stop();
    });

    it('splits the work between subscriptions of one group, without duplicates', async () => {
      const topic = makeTopic();
      const groupId = group('shared');
      const first = recorder();
      const second = recorder();
      const subs = [
        await bus.subscribe(topic, { groupId, ...first }),
        await bus.subscribe(topic, { groupId, ...second }),
      ];

      const total = 90;
      const envelopes = await bus.publishMany(
        topic,
        range(total).map((i) => message(`room-${i % 30}`, i)),
      );
      const both = () => [...first.events, ...second.events];
      await deliver(
        () => new Set(ids(both())).size >= total,
        () => `distinct: ${new Set(ids(both())).size}/${total}`,
      );
      await settle(quietMs);
      expect(ids(both())).toEqual(ids(envelopes)); // each exactly once
      expect(first.events.length).toBeGreaterThan(0);
      expect(second.events.length).toBeGreaterThan(0);
      // The split is by key: no room is handled by both.
      const firstRooms = new Set(seqsByRoom(first.events).keys());
      for (const room of seqsByRoom(second.events).keys()) expect(firstRooms.has(room)).toBe(false);
      for (const sub of subs) await sub.stop();
    });

    it('redelivers a batch whose handler threw, losing nothing and keeping order', async () => {
      const topic = makeTopic();
      let failuresLeft = 3;
      const attempts: number[][] = [];
      const processed: TestEvent[] = [];
      const sub = await bus.subscribe(topic, {
        groupId: group('retry'),
        handleBatch: (batch) => {
          attempts.push(seqsByRoom(batch).get('room') ?? []);
          if (
            batch.some((e) => e.type === 'message.created' && e.data.seq === 5) &&
            failuresLeft > 0
          ) {
            failuresLeft--;
            return Promise.reject(new Error('handler failure (expected by the test)'));
          }
          processed.push(...batch);
          return Promise.resolve();
        },
      });

      for (const i of range(10))
        await bus.publish(topic, 'message.created', messageData('room', i), { key: 'room' });

      await deliver(
        () => processed.length >= 10,
        () => `processed ${processed.length}/10`,
      );
      await settle(quietMs);
      expect(failuresLeft).toBe(0);
      // Successful batches, in order, cover every event exactly once.
      expect(seqsByRoom(processed).get('room')).toEqual(range(10));
      // Seq 5 was offered again after each failure.
      expect(attempts.filter((seqs) => seqs.includes(5)).length).toBe(4);
      await sub.stop();
    });

    it('fromBeginning replays retained events to a new group; others start at the end', async () => {
      const topic = makeTopic();
      const early = await bus.publishMany(
        topic,
        range(5).map((i) => message(`room-${i}`, i)),
      );

      const replay = recorder();
      const fresh = recorder();
      const subs = [
        await bus.subscribe(topic, { groupId: group('replay'), fromBeginning: true, ...replay }),
        await bus.subscribe(topic, { groupId: group('fresh'), ...fresh }),
      ];
      const late = await bus.publish(
        topic,
        'room.deleted',
        { roomId: 'room-0' },
        { key: 'room-0' },
      );

      await deliver(
        () => replay.events.length >= 6 && fresh.events.length >= 1,
        () => `replay: ${replay.events.length}/6, fresh: ${fresh.events.length}/1`,
      );
      await settle(quietMs);
      expect(ids(replay.events)).toEqual(ids([...early, late]));
      expect(fresh.events).toEqual([late]);
      for (const sub of subs) await sub.stop();
    });

    it('a group resumes after its last committed event when it subscribes again', async () => {
      const topic = makeTopic();
      const groupId = group('resume');
      const firstRun = recorder();
      const sub = await bus.subscribe(topic, { groupId, ...firstRun });
      await bus.publishMany(
        topic,
        range(3).map((i) => message('room', i)),
      );
      await deliver(
        () => firstRun.events.length >= 3,
        () => `first run: ${firstRun.events.length}/3`,
      );
      await sub.stop();

      await bus.publishMany(
        topic,
        range(3).map((i) => message('room', 3 + i)),
      );
      const secondRun = recorder();
      // fromBeginning only applies to a group without committed offsets.
      const again = await bus.subscribe(topic, { groupId, fromBeginning: true, ...secondRun });
      await deliver(
        () => secondRun.events.length >= 3,
        () => `second run: ${secondRun.events.length}/3`,
      );
      await settle(quietMs);
      expect(seqsByRoom(secondRun.events).get('room')).toEqual([3, 4, 5]);
      await again.stop();
    });

    it('stop waits for the batch in flight, commits it and ends delivery', async () => {
      const topic = makeTopic();
      const groupId = group('stop');
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const started: TestEvent[] = [];
      const finished: TestEvent[] = [];
      const sub = await bus.subscribe(topic, {
        groupId,
        handleBatch: async (batch) => {
          started.push(...batch);
          await gate;
          finished.push(...batch);
        },
      });
      await bus.publish(topic, 'message.created', messageData('room', 0), { key: 'room' });
      await deliver(() => started.length >= 1, 'the first delivery');

      let stopped = false;
      const stopping = sub.stop().then(() => {
        stopped = true;
      });
      await settle(50);
      expect(stopped).toBe(false); // still waiting for the handler
      release();
      await stopping;
      expect(finished).toHaveLength(1);
      await sub.stop(); // idempotent

      await bus.publish(topic, 'message.created', messageData('room', 1), { key: 'room' });
      await settle(quietMs);
      expect(started).toHaveLength(1); // nothing after stop

      // The finished batch was committed: the group continues after it.
      const next = recorder();
      const again = await bus.subscribe(topic, { groupId, fromBeginning: true, ...next });
      await deliver(() => next.events.length >= 1, 'the event published while stopped');
      await settle(quietMs);
      expect(seqsByRoom(next.events).get('room')).toEqual([1]);
      await again.stop();
    });

    it('close stops everything; the bus then refuses work', async () => {
      const topic = makeTopic();
      const received = recorder();
      await bus.subscribe(topic, { groupId: group('close'), ...received });
      await bus.publish(topic, 'room.deleted', { roomId: 'x' });
      await deliver(() => received.events.length >= 1, 'delivery before close');
      await bus.ready();

      await bus.close();
      await bus.close(); // idempotent
      await expect(bus.publish(topic, 'room.deleted', { roomId: 'x' })).rejects.toThrow(/closed/);
      await expect(bus.publishRaw(topic.name, 'x')).rejects.toThrow(/closed/);
      await expect(bus.subscribe(topic, { groupId: group('late'), ...recorder() })).rejects.toThrow(
        /closed/,
      );
      await expect(bus.ready()).rejects.toThrow(/closed/);
    });
  });
}
