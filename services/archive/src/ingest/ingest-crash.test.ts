// The archive consumer is SIGKILLed while it ingests 20k messages, then restarted: every message
// must end up archived exactly once. The service runs as a real process (dist/main.js) on the real
// Kafka and MongoDB-wire servers; a kill skips every shutdown path, so whatever was written but not
// yet committed comes again and must be absorbed as duplicates.
import { randomUUID } from 'node:crypto';
import {
  chatMessagesTopic,
  createKafkaEventBus,
  createLogger,
  type EventBus,
} from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';
import { requireServer } from '@falablau/common/testing';
import {
  archiveEntryPoint,
  scrapeCounter,
  startArchiveProcess,
  type ArchiveProcess,
} from '../testing/archive-process.js';
import { roomMessages } from '../testing/messages.js';
import { ingestTopic } from './ingest-consumer.js';
import { createTestMongo, type TestMongo } from '../testing/test-mongo.js';

const TOTAL = 20_000;
const ROOMS = 20;
const KILLS = 3;
// The same events on a topic of their own: 20k messages per run stay off chat.messages.v1, where a
// real `archive` group starting at `earliest` would archive them, and other suites' traffic stays
// out of this count. What is under test (the consumer, the store, the kill) is the same.
const topic = ingestTopic(`${chatMessagesTopic.name}.archive-crash-test`);

let mongo: TestMongo;
let publisher: EventBus;
const running: ArchiveProcess[] = [];

beforeAll(async () => {
  archiveEntryPoint(); // fails with "run npm run build" before anything starts
  mongo = await createTestMongo('crash');
  publisher = createKafkaEventBus({
    brokers: requireServer('KAFKA_BOOTSTRAP_SERVERS').split(','),
    clientId: `chat-crash-${randomUUID()}`,
    logger: createLogger({ name: 'archive-crash', level: 'silent' }),
  });
});

afterAll(async () => {
  await Promise.all(running.map((p) => p.kill()));
  await publisher.close();
  await mongo.drop();
});

describe('ingest under a crash', () => {
  test('when the archive is killed mid-batch and restarted (three times), then 0 messages are lost and 0 duplicated', async () => {
    const groupId = `archive-crash-${randomUUID()}`;
    const env = {
      MONGO_URI: requireServer('MONGO_URI'),
      MONGO_DATABASE: mongo.name,
      KAFKA_BOOTSTRAP_SERVERS: requireServer('KAFKA_BOOTSTRAP_SERVERS'),
      INGEST_TOPIC: topic.name,
      INGEST_GROUP_ID: groupId,
      // A new group starting at the end: what earlier runs left on the topic stays out.
      INGEST_START: 'latest',
      // The broker's minimum: the dead member's partitions move to the restarted one sooner.
      INGEST_SESSION_TIMEOUT: '6s',
      AUTH_SERVICE_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'warn',
    };
    const start = async (instance: string) => {
      const proc = await startArchiveProcess({ env: { ...env, INSTANCE_ID: instance } });
      running.push(proc);
      return proc;
    };

    const first = await start('crash-1');
    const rooms = Array.from({ length: ROOMS }, () => randomUUID());
    const published: ChatMessage[] = rooms.flatMap((roomId) =>
      roomMessages(TOTAL / ROOMS, { roomId, userIds: [randomUUID(), randomUUID()] }),
    );
    // Interleave rooms as chat would publish them, in produce requests of 1000.
    const order = [...published].sort((a, b) => a.seq - b.seq);
    const publishing = (async () => {
      for (let i = 0; i < order.length; i += 1000) {
        await publisher.publishMany(
          topic,
          order.slice(i, i + 1000).map((data) => ({
            type: 'message.created' as const,
            data,
            key: data.roomId,
            id: data.id,
          })),
        );
      }
    })();

    const collection = mongo.db.collection<{ _id: string; roomId: string; seq: number }>(
      'messages',
    );
    const ours = { roomId: { $in: rooms } };
    const counter = (proc: ArchiveProcess, result: string) =>
      scrapeCounter(proc.url, 'archive_ingested_total', ['source="kafka"', `result="${result}"`]);

    // Kill each process as soon as its first batch is in, while the next ones are being fetched
    // and written; a kill lands between a write and its commit often enough, and three kills
    // (each followed by a replacement that must take over the dead one's partitions) make a run
    // that never hits such a window unlikely. Each replacement reports what it absorbed.
    const kills: { inserted: number; archived: number; duplicates: number }[] = [];
    let current = first;
    for (let round = 1; round <= KILLS; round++) {
      let inserted = 0;
      const deadline = Date.now() + 60_000;
      while (inserted === 0) {
        if (Date.now() > deadline)
          throw new Error(`nothing ingested in 60 s:\n${current.output()}`);
        inserted = await counter(current, 'inserted').catch(() => 0);
        if (inserted === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const duplicates = await counter(current, 'duplicate');
      await current.kill();
      kills.push({ inserted, archived: await collection.countDocuments(ours), duplicates });
      current = await start(`crash-${String(round + 1)}`);
    }
    await publishing;
    // Otherwise the kills came too late to test anything.
    expect(kills[0]?.archived).toBeLessThan(TOTAL);

    const until = Date.now() + 120_000;
    let archived = 0;
    while (archived < TOTAL && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      archived = await collection.countDocuments(ours);
    }

    const docs = await collection
      .find(ours, { projection: { _id: 1, roomId: 1, seq: 1 } })
      .toArray();
    const expected = new Map(published.map((m) => [m.id, m]));
    const seen = new Set<string>();
    const seats = new Set<string>();
    let unknown = 0;
    let misplaced = 0;
    for (const doc of docs) {
      const message = expected.get(doc._id);
      if (!message) unknown += 1;
      else if (message.roomId !== doc.roomId || message.seq !== doc.seq) misplaced += 1;
      seen.add(doc._id);
      seats.add(`${doc.roomId}/${String(doc.seq)}`);
    }
    const lost = published.filter((m) => !seen.has(m.id)).length;
    const report = {
      kills,
      documents: docs.length,
      lost,
      duplicatedIds: docs.length - seen.size,
      duplicatedSeats: docs.length - seats.size,
      unknown,
      misplaced,
      duplicatesAbsorbedAfterRestarts:
        kills.slice(1).reduce((sum, kill) => sum + kill.duplicates, 0) +
        (await counter(current, 'duplicate')),
    };
    process.stderr.write(`crash report: ${JSON.stringify(report)}\n`);
    expect(report).toMatchObject({
      documents: TOTAL,
      lost: 0,
      duplicatedIds: 0,
      duplicatedSeats: 0,
      unknown: 0,
      misplaced: 0,
    });
    await current.stop();
  }, 300_000);
});
