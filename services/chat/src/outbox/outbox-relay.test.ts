// The relay's scheduling against real Postgres and the in-process bus, whose publish the tests
// can make fail or stall. The Kafka outage itself is outbox-kafka.test.ts.
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import {
  chatMessagesTopic,
  createInProcessEventBus,
  createLogger,
  type EventBus,
} from '@falablau/common';
import type { RoomMember } from '@falablau/common/contracts';
import { createTestChatDb, type TestChatDb } from '../db/test-database.js';
import { createMessageMetrics } from '../messages/message.metrics.js';
import { createMessageService, type MessageService } from '../messages/message.service.js';
import { createRoomService, type RoomService } from '../rooms/room.service.js';
import { countBacklog } from './outbox-batch.js';
import { createOutboxRelay, outboxBackoffMs, type OutboxRelay } from './outbox-relay.js';
import { createOutboxMetrics, type OutboxMetrics } from './outbox.metrics.js';

let database: TestChatDb;
let inner: EventBus;
let rooms: RoomService;

/** The in-process bus, with a publish that can fail or stall on demand. */
const control = { failing: false, delayMs: 0, attempts: 0 };
function controllableBus(bus: EventBus): EventBus {
  return {
    publish: (topic, type, data, opts) => bus.publish(topic, type, data, opts),
    publishMany: async (topic, items) => {
      control.attempts += 1;
      if (control.delayMs > 0) await new Promise((r) => setTimeout(r, control.delayMs));
      if (control.failing) throw new Error('broker unreachable');
      return bus.publishMany(topic, items);
    },
    subscribe: (topic, opts) => bus.subscribe(topic, opts),
    publishRaw: (name, value, opts) => bus.publishRaw(name, value, opts),
    subscribeRaw: (name, opts) => bus.subscribeRaw(name, opts),
    ready: () => bus.ready(),
    close: () => bus.close(),
  };
}

interface Harness {
  relay: OutboxRelay;
  messages: MessageService;
  metrics: OutboxMetrics;
}

const running: OutboxRelay[] = [];

function harness(
  options: { intervalMs?: number; lingerMs?: number; maxBackoffMs?: number } = {},
): Harness {
  const metrics = createOutboxMetrics(new Registry(), () => countBacklog(database.db));
  const relay = createOutboxRelay({
    db: database.db,
    eventBus: controllableBus(inner),
    logger: createLogger({ name: 'outbox-test', level: 'silent' }),
    metrics,
    batchSize: 20,
    intervalMs: options.intervalMs ?? 60_000,
    lingerMs: options.lingerMs ?? 10,
    maxBackoffMs: options.maxBackoffMs ?? 60_000,
  });
  running.push(relay);
  const messages = createMessageService({
    db: database.db,
    metrics: createMessageMetrics(new Registry()),
    afterStore: () => {
      relay.wake();
    },
  });
  return { relay, messages, metrics };
}

async function roomWithMember(): Promise<{ roomId: string; who: RoomMember }> {
  const who = { userId: randomUUID(), username: 'sender' };
  const room = await rooms.create(who, { name: `outbox ${randomUUID()}` });
  return { roomId: room.id, who };
}

async function waitFor(what: string, predicate: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const published = new Map<string, { eventId: string; roomId: string; seq: number }[]>();

beforeAll(async () => {
  database = await createTestChatDb('chat_outbox');
  inner = createInProcessEventBus();
  rooms = createRoomService({ db: database.db, membershipCacheTtlMs: 5_000 });
  await inner.subscribe(chatMessagesTopic, {
    groupId: 'outbox-test-reader',
    fromBeginning: true,
    handleBatch: async (events) => {
      for (const event of events) {
        const list = published.get(event.data.id) ?? [];
        list.push({ eventId: event.id, roomId: event.data.roomId, seq: event.data.seq });
        published.set(event.data.id, list);
      }
    },
  });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((relay) => relay.stop()));
  Object.assign(control, { failing: false, delayMs: 0, attempts: 0 });
  // Each test starts with an empty outbox.
  await database.db.updateTable('messages').set({ published_at: new Date() }).execute();
});

afterAll(async () => {
  await inner.close();
  await database.drop();
});

describe('outbox relay', () => {
  test('when a message is stored, then the relay publishes it at once, not at the next sweep', async () => {
    const { relay, messages, metrics } = harness({ intervalMs: 60_000 });
    relay.start();
    const { roomId, who } = await roomWithMember();

    const started = Date.now();
    const { message } = await messages.send({ roomId, ...who, text: 'fast', clientMsgId: 'f1' });
    await waitFor('the message on the bus', async () => published.has(message.id), 2_000);

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(published.get(message.id)).toEqual([{ eventId: message.id, roomId, seq: 1 }]);
    // Marked right after the bus acknowledged (a subscriber may see the event a moment earlier).
    await waitFor('the row to be marked', async () => (await countBacklog(database.db)) === 0);
    expect((await metrics.published.get()).values[0]?.value).toBe(1);
  });

  test('when sends follow one another within the linger, then they reach the bus in one batch', async () => {
    const { relay, messages } = harness({ intervalMs: 60_000, lingerMs: 500 });
    relay.start();
    const { roomId, who } = await roomWithMember();
    await waitFor('the first pass to finish', async () => (await countBacklog(database.db)) === 0);
    const before = control.attempts;

    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const { message } = await messages.send({
        roomId,
        ...who,
        text: `l${i}`,
        clientMsgId: `l${i}`,
      });
      ids.push(message.id);
    }
    await waitFor('all ten on the bus', async () => ids.every((id) => published.has(id)), 5_000);

    // Ten sends, one request (two if the machine was slow enough to split them), in seq order.
    expect(control.attempts - before).toBeLessThanOrEqual(2);
    expect(ids.map((id) => published.get(id)?.[0]?.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('when publishing fails, then sends still succeed, rows wait, and retries back off instead of following every send', async () => {
    const { relay, messages, metrics } = harness({ maxBackoffMs: 60_000 });
    control.failing = true;
    relay.start();
    const { roomId, who } = await roomWithMember();

    const sent = [];
    for (let i = 0; i < 10; i++) {
      sent.push(await messages.send({ roomId, ...who, text: `m${i}`, clientMsgId: `b${i}` }));
      await new Promise((r) => setTimeout(r, 30));
    }

    expect(sent.map((s) => s.message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await expect(countBacklog(database.db)).resolves.toBe(10);
    // 10 sends over ~300 ms: without backoff that would be about 10 attempts; with it, ~3
    // (at start, then after ~250 ms, then after ~500 ms).
    expect(control.attempts).toBeGreaterThanOrEqual(1);
    expect(control.attempts).toBeLessThanOrEqual(4);
    expect((await metrics.failures.get()).values[0]?.value).toBe(control.attempts);
    expect(sent.some((s) => published.has(s.message.id))).toBe(false);

    control.failing = false;
    await waitFor(
      'the backlog to drain',
      async () => (await countBacklog(database.db)) === 0,
      5_000,
    );
    for (const { message } of sent) {
      expect(published.get(message.id)?.map((p) => p.eventId)).toContain(message.id);
    }
  });

  test('when stopped during a batch, then stop waits for that batch and nothing runs afterwards', async () => {
    const { relay, messages } = harness();
    const { roomId, who } = await roomWithMember();
    for (let i = 0; i < 5; i++) {
      await messages.send({ roomId, ...who, text: `s${i}`, clientMsgId: `s${i}` });
    }
    control.delayMs = 300;
    relay.start();
    await waitFor('the batch to be in flight', async () => control.attempts === 1);

    await relay.stop();

    await expect(countBacklog(database.db)).resolves.toBe(0);
    await messages.send({ roomId, ...who, text: 'after stop', clientMsgId: 'after' });
    await new Promise((r) => setTimeout(r, 100));
    expect(control.attempts).toBe(1);
    await expect(countBacklog(database.db)).resolves.toBe(1);
  });

  test('when two relays share the outbox, then each message is published once and rooms stay in seq order', async () => {
    const a = harness();
    const b = harness();
    const rooms3 = await Promise.all([roomWithMember(), roomWithMember(), roomWithMember()]);
    const ids: string[] = [];
    for (let i = 0; i < 90; i++) {
      const target = rooms3[i % 3];
      if (!target) throw new Error('unreachable');
      const { roomId, who } = target;
      ids.push(
        (await a.messages.send({ roomId, ...who, text: `x${i}`, clientMsgId: `x${i}` })).message.id,
      );
    }
    control.delayMs = 20; // keep batches in flight long enough for the relays to overlap

    const [fromA, fromB] = await Promise.all([a.relay.drain(), b.relay.drain()]);

    expect(fromA + fromB).toBe(90);
    await waitFor('all 90 events', async () => ids.every((id) => published.has(id)));
    for (const id of ids) expect(published.get(id)).toHaveLength(1);
    for (const { roomId } of rooms3) {
      const order = [...published.values()].flat().filter((p) => p.roomId === roomId);
      expect(order.map((p) => p.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    }
  });
});

describe('outboxBackoffMs', () => {
  test('when failures repeat, then the pause doubles from about 250 ms up to the cap', () => {
    const medians = [1, 2, 3, 4, 10].map((n) => outboxBackoffMs(n, 5_000));
    expect(medians[0]).toBeGreaterThanOrEqual(200);
    expect(medians[0]).toBeLessThanOrEqual(300);
    expect(medians[1]).toBeGreaterThanOrEqual(400);
    expect(medians[3]).toBeGreaterThanOrEqual(1_600);
    expect(medians[4]).toBeLessThanOrEqual(6_000);
    expect(medians[4]).toBeGreaterThanOrEqual(4_000);
  });
});
