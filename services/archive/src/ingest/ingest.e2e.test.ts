// End to end on the real servers: chat.messages.v1 on Kafka → the archive's consumer group →
// the MongoDB-wire server → GET by room and by user. Each test run uses its own consumer group
// starting at the topic's end, so what other suites publish on the shared topic does not matter
// (and their messages, if any arrive, land in rooms this suite never reads).
import { randomUUID } from 'node:crypto';
import {
  chatMessagesTopic,
  createKafkaEventBus,
  createLogger,
  createMetrics,
  dlqHeaders,
  type EventBus,
  type RawRecord,
  type Subscription,
} from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';
import { requireServer } from '@falablau/common/testing';
import { makeMessage, roomMessages } from '../testing/messages.js';
import { createTestArchiveApp, type TestArchiveApp } from '../testing/test-app.js';
import { CONFLICT_REASON } from './ingest-consumer.js';

const logger = createLogger({ name: 'archive-e2e', level: 'silent' });
const groupId = `archive-e2e-${randomUUID()}`;

let app: TestArchiveApp;
let archiveBus: EventBus;
let publisher: EventBus;
let dlqWatch: Subscription;
const dlq: RawRecord[] = [];
let admin: string;

function kafkaBus(clientId: string, registry?: ReturnType<typeof createMetrics>['registry']) {
  return createKafkaEventBus({
    brokers: requireServer('KAFKA_BOOTSTRAP_SERVERS').split(','),
    clientId,
    logger,
    registry,
    consumer: { maxWaitTimeInMs: 100 },
  });
}

const publish = (messages: ChatMessage[]) =>
  publisher.publishMany(
    chatMessagesTopic,
    messages.map((data) => ({ type: 'message.created', data, key: data.roomId, id: data.id })),
  );

async function waitFor(what: string, predicate: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${String(timeoutMs)} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function getAll(path: string): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`;
    const res = await app.http.inject({
      method: 'GET',
      url: `${path}?limit=200${query}`,
      headers: { authorization: `Bearer ${admin}` },
    });
    const page = res.json<{ messages: ChatMessage[]; nextCursor: string | null }>();
    all.push(...page.messages);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return all;
}

beforeAll(async () => {
  const metrics = createMetrics({ service: 'archive', defaultMetrics: false });
  archiveBus = kafkaBus(`archive-e2e-${randomUUID()}`, metrics.registry);
  publisher = kafkaBus(`chat-e2e-${randomUUID()}`);
  app = await createTestArchiveApp('e2e', {
    eventBus: archiveBus,
    metrics,
    config: {
      ingest: { enabled: true, topic: chatMessagesTopic.name, groupId, fromBeginning: false },
    },
  });
  await app.start();
  admin = await app.userToken({ role: 'admin' });
  dlqWatch = await publisher.subscribeRaw(chatMessagesTopic.dlqName, {
    groupId: `archive-e2e-dlq-${randomUUID()}`,
    fromBeginning: false,
    handleBatch: async (records) => {
      dlq.push(...records.filter((r) => r.headers[dlqHeaders.group] === groupId));
    },
  });
}, 90_000);

afterAll(async () => {
  await dlqWatch.stop();
  await app.dispose();
  await archiveBus.close();
  await publisher.close();
});

describe('ingest from chat.messages.v1', () => {
  const alice = randomUUID();
  const bob = randomUUID();
  const rooms = [randomUUID(), randomUUID(), randomUUID()];
  const published = rooms.flatMap((roomId) =>
    roomMessages(200, { roomId, userIds: [alice, bob], stepMs: 10 }),
  );

  test('when messages are published on the topic, then they are queryable by room and by user', async () => {
    await publish(published);
    for (const roomId of rooms) {
      await waitFor(
        `room ${roomId} archived`,
        async () => (await getAll(`/archive/rooms/${roomId}`)).length === 200,
      );
      const archived = await getAll(`/archive/rooms/${roomId}`);
      expect(archived.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => 200 - i));
      expect(archived[0]).toEqual(published.filter((m) => m.roomId === roomId).at(-1));
    }
    const byAlice = await getAll(`/archive/users/${alice}`);
    expect(new Set(byAlice.map((m) => m.id))).toEqual(
      new Set(published.filter((m) => m.userId === alice).map((m) => m.id)),
    );
    expect(byAlice).toHaveLength(300);
  }, 60_000);

  test('when the same messages are published again, then nothing is doubled', async () => {
    await publish(published.slice(0, 100));
    const marker = makeMessage({ roomId: rooms[0], seq: 201, userId: alice });
    await publish([marker]);
    await waitFor('marker archived', async () =>
      (await getAll(`/archive/rooms/${rooms[0] ?? ''}`)).some((m) => m.id === marker.id),
    );
    expect(await getAll(`/archive/rooms/${rooms[0] ?? ''}`)).toHaveLength(201);
    expect(await app.metrics.registry.metrics()).toMatch(
      /archive_ingested_total\{[^}]*source="kafka"[^}]*result="duplicate"[^}]*\} (\d{3,})/,
    );
  }, 60_000);

  test('when an invalid event arrives, then it goes to the DLQ and ingest goes on', async () => {
    const roomId = randomUUID();
    await publisher.publishRaw(chatMessagesTopic.name, '{"not":"an envelope"}', { key: roomId });
    await publisher.publishRaw(
      chatMessagesTopic.name,
      JSON.stringify({
        id: randomUUID(),
        type: 'message.created',
        version: 1,
        occurredAt: new Date().toISOString(),
        data: { ...makeMessage({ roomId }), seq: { $gt: 0 } },
      }),
      { key: roomId },
    );
    const after = makeMessage({ roomId, seq: 1 });
    await publish([after]);
    await waitFor(
      'valid message after the invalid ones',
      async () => (await getAll(`/archive/rooms/${roomId}`)).length === 1,
    );
    await waitFor('two dead letters', async () => dlq.filter((r) => r.key === roomId).length === 2);
    expect(dlq.filter((r) => r.key === roomId).map((r) => r.headers[dlqHeaders.reason])).toEqual([
      expect.stringContaining('envelope'),
      expect.stringContaining('seq'),
    ]);
  }, 60_000);

  test('when a message claims a (roomId, seq) held by another id, then it goes to the DLQ and the partition is not blocked', async () => {
    const [held] = roomMessages(1);
    if (!held) throw new Error('fixture');
    const impostor = makeMessage({ roomId: held.roomId, seq: held.seq, text: 'impostor' });
    const next = makeMessage({ roomId: held.roomId, seq: held.seq + 1 });
    await publish([held]);
    await waitFor(
      'held archived',
      async () => (await getAll(`/archive/rooms/${held.roomId}`)).length === 1,
    );
    await publish([impostor, next]);
    await waitFor(
      'message after the conflict archived',
      async () => (await getAll(`/archive/rooms/${held.roomId}`)).length === 2,
    );
    await waitFor('conflict dead-lettered', async () =>
      dlq.some((r) => r.headers.id === impostor.id),
    );
    const letter = dlq.find((r) => r.headers.id === impostor.id);
    expect(letter?.headers[dlqHeaders.reason]).toBe(CONFLICT_REASON);
    expect(JSON.parse(letter?.value?.toString('utf8') ?? '{}')).toMatchObject({ data: impostor });
    const archived = await getAll(`/archive/rooms/${held.roomId}`);
    expect(archived.map((m) => m.id)).toEqual([next.id, held.id]);
    expect(await app.metrics.registry.metrics()).toMatch(
      /archive_ingested_total\{[^}]*source="kafka"[^}]*result="conflict"[^}]*\} 1/,
    );
  }, 60_000);

  test('when /metrics is scraped, then consumer lag and batch histograms are there', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(
      new RegExp(
        `falablau_events_consumer_lag\\{[^}]*topic="chat.messages.v1"[^}]*group="${groupId}"[^}]*\\} \\d+`,
      ),
    );
    expect(res.body).toMatch(/archive_ingest_batch_size_bucket\{[^}]*source="kafka"/);
    expect(res.body).toMatch(/archive_ingest_batch_duration_seconds_count\{[^}]*source="kafka"/);
    expect(res.body).toMatch(/archive_retention_native_ttl/);
  });

  test('when /ready is asked, then MongoDB and Kafka are both checked', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/ready' });
    expect(res.json()).toEqual({ status: 'ready', checks: { mongodb: 'ok', kafka: 'ok' } });
  });
});
