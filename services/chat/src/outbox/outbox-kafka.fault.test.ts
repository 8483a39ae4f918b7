// The outbox against the real broker: messages reach chat.messages.v1, and a Kafka outage delays
// publishing but never sending. This file stops the shared local broker for a while
// (scripts/infra/ctl.sh) and always starts it again.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  chatMessagesTopic,
  createKafkaEventBus,
  createLogger,
  envelopeSchema,
  type EventBus,
  type Subscription,
} from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import { chatMessageSchema, type ChatMessage, type RoomMember } from '@falablau/common/contracts';
import { countBacklog } from './outbox-batch.js';
import { createTestChatApp, type TestChatApp } from '../routes/test-app.js';

const run = promisify(execFile);
const ctl = fileURLToPath(new URL('../../../../scripts/infra/ctl.sh', import.meta.url));
const logger = createLogger({ name: 'outbox-kafka-test', level: 'silent' });
const brokers = () => requireServer('KAFKA_BOOTSTRAP_SERVERS').split(',');

function kafkaBus(clientId: string): EventBus {
  return createKafkaEventBus({ brokers: brokers(), clientId, logger, publishTimeoutMs: 5_000 });
}

async function kafka(action: 'start' | 'stop'): Promise<void> {
  await run(ctl, ['kafka', action], { timeout: 180_000 });
}

async function waitFor(what: string, predicate: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Seen {
  eventId: string;
  key: string | null;
  message: ChatMessage;
}

/**
 * Reads chat.messages.v1 from the beginning in a fresh group, keeping the given rooms' events.
 * Right after a broker restart the group coordinator may still be loading ("not the correct
 * coordinator"): joining is retried for a while, as any consumer would be.
 */
async function readTopic(
  roomIds: Set<string>,
): Promise<{ seen: Seen[]; stop: () => Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tryReadTopic(roomIds);
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

async function tryReadTopic(
  roomIds: Set<string>,
): Promise<{ seen: Seen[]; stop: () => Promise<void> }> {
  const bus = kafkaBus(`outbox-reader-${randomUUID()}`);
  const seen: Seen[] = [];
  let subscription: Subscription;
  try {
    // Raw records, to see the Kafka key as well; the envelope is validated here instead.
    // From "latest" (subscribe resolves once positioned): the shared topic may hold any amount
    // of history from other runs, and only what this test sends matters.
    subscription = await bus.subscribeRaw(chatMessagesTopic.name, {
      groupId: `outbox-test-${randomUUID()}`,
      fromBeginning: false,
      handleBatch: async (records) => {
        for (const record of records) {
          const envelope = envelopeSchema.parse(JSON.parse(record.value?.toString() ?? 'null'));
          const message = chatMessageSchema.parse(envelope.data);
          if (!roomIds.has(message.roomId)) continue;
          expect(envelope.type).toBe('message.created');
          seen.push({ eventId: envelope.id, key: record.key, message });
        }
      },
    });
  } catch (error) {
    await bus.close();
    throw error;
  }
  return {
    seen,
    stop: async () => {
      await subscription.stop();
      await bus.close();
    },
  };
}

/** Every message arrived, as itself, under its own id; rooms in seq order. */
function expectDelivered(seen: Seen[], sent: ChatMessage[]) {
  for (const { eventId, key, message } of seen) {
    expect(eventId).toBe(message.id);
    expect(key).toBe(message.roomId);
  }
  const byId = new Map(seen.map((s) => [s.message.id, s.message]));
  for (const message of sent) expect(byId.get(message.id)).toEqual(message);
  for (const roomId of new Set(sent.map((m) => m.roomId))) {
    const firstSeen = [...new Map(seen.map((s) => [s.message.id, s.message])).values()].filter(
      (m) => m.roomId === roomId,
    );
    const seqs = firstSeen.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }
}

let app: TestChatApp;
const member: RoomMember = { userId: randomUUID(), username: 'kafka-sender' };
const roomIds: string[] = [];

beforeAll(async () => {
  app = await createTestChatApp('chat_outbox_kafka', {
    eventBus: kafkaBus('chat-outbox-test'),
    // A long sweep: fast publication in the first test can only come from the wake-up.
    config: { outbox: { batchSize: 50, intervalMs: 30_000, lingerMs: 10, maxBackoffMs: 2_000 } },
  });
  await app.start(0);
  for (let i = 0; i < 3; i++) {
    roomIds.push((await app.rooms.create(member, { name: `kafka ${randomUUID()}` })).id);
  }
}, 60_000);

afterAll(async () => {
  await app.dispose();
});

async function sendMany(count: number, tag: string): Promise<ChatMessage[]> {
  const sent: ChatMessage[] = [];
  for (let i = 0; i < count; i++) {
    const roomId = roomIds[i % roomIds.length] ?? '';
    const { message } = await app.messages.send({
      roomId,
      ...member,
      text: `${tag} ${i}`,
      clientMsgId: `${tag}-${i}`,
    });
    sent.push(message);
  }
  return sent;
}

describe('outbox relay on Kafka', () => {
  test('when messages are sent, then each reaches chat.messages.v1 within moments, keyed by room, under its own id', async () => {
    const reader = await readTopic(new Set(roomIds));
    try {
      const sent = await sendMany(30, 'up');
      await waitFor(
        '30 events',
        async () => sent.every((m) => reader.seen.some((s) => s.message.id === m.id)),
        15_000,
      );
      expectDelivered(reader.seen, sent);
      await expect(countBacklog(app.database.db)).resolves.toBe(0);
    } finally {
      await reader.stop();
    }
  }, 60_000);

  test('when Kafka is down, then sends still succeed at once, rows wait in the outbox, and all of them arrive once Kafka is back', async () => {
    let sent: ChatMessage[] = [];
    // Subscribed before the outage: the same consumer must come back by itself with the broker.
    const reader = await readTopic(new Set(roomIds));
    try {
      await kafka('stop');

      const started = Date.now();
      sent = await sendMany(40, 'outage');
      // Sending never waits for Kafka: 40 sends take milliseconds each.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(sent.map((m) => m.seq)).toEqual(
        sent.map((_, i) => Math.floor(i / roomIds.length) + 11),
      );
      await expect(countBacklog(app.database.db)).resolves.toBe(40);
      await waitFor(
        'a failed publish attempt',
        async () =>
          /chat_outbox_publish_failures_total\{[^}]*\} [1-9]/.test(
            await app.metrics.registry.metrics(),
          ),
        30_000,
      );
      const backlog = await app.http.inject({ method: 'GET', url: '/metrics' });
      expect(backlog.body).toMatch(/chat_outbox_backlog\{[^}]*\} 40/);
      const ready = await app.http.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
    } finally {
      await kafka('start');
    }

    await waitFor(
      'the outbox to drain',
      async () => (await countBacklog(app.database.db)) === 0,
      90_000,
    );
    try {
      await waitFor(
        'every outage message on the topic',
        async () => sent.every((m) => reader.seen.some((s) => s.message.id === m.id)),
        60_000,
      );
      expectDelivered(reader.seen, sent);
    } finally {
      await reader.stop();
    }
    const ready = await app.http.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
  }, 400_000);
});
