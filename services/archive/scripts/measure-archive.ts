// A measurement, not a test: how fast the archive ingests from Kafka, and how long a room-history
// query takes over that many archived messages. It runs the built service as a real process on
// the local servers of `make infra-up`, on its own topic, consumer group and database, so nothing
// shared is touched (the database is dropped at the end unless --keep).
//
//   npm run measure -w @falablau/archive -- --messages 1000000 --rooms 1000 --queries 200
//
// 1. publishes --messages chat messages over --rooms rooms to a fresh topic (the backlog);
// 2. starts archive-service on it (INGEST_START=earliest) and times the backlog into the store,
//    from the process's own archive_ingested_total;
// 3. runs --queries GET /archive/rooms/:id?limit=50 for random rooms, one at a time, and prints
//    p50/p95/p99 (stopping early when --query-budget-s runs out; the count used is printed).
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import {
  chatMessagesTopic,
  createKafkaEventBus,
  createLogger,
  createTestSigningKey,
  defineTopic,
  signTestAccessToken,
} from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';
import { requireServer } from '@falablau/common/testing';
import { scrapeCounter, startArchiveProcess } from '../src/testing/archive-process.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    rooms: { type: 'string', default: '1000' },
    users: { type: 'string', default: '500' },
    queries: { type: 'string', default: '200' },
    'query-budget-s': { type: 'string', default: '900' },
    keep: { type: 'boolean', default: false },
  },
});
const total = Number(args.messages);
const roomCount = Number(args.rooms);
const userCount = Number(args.users);
const queryCount = Number(args.queries);
const queryBudgetMs = Number(args['query-budget-s']) * 1000;

const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const mongoUri = requireServer('MONGO_URI');
  const brokers = requireServer('KAFKA_BOOTSTRAP_SERVERS');
  const topic = defineTopic(`${chatMessagesTopic.name}.bench-${id}`, chatMessagesTopic.events);
  const database = `archive_bench_${id}`;
  const logger = createLogger({ name: 'archive-measure', level: 'warn' });
  log(`archive measurement ${id}: ${String(total)} messages, ${String(roomCount)} rooms`);
  log(`topic ${topic.name}, database ${database}`);

  // ── 1. the backlog ────────────────────────────────────────────────────────────────────────
  const rooms = Array.from({ length: roomCount }, () => randomUUID());
  const users = Array.from({ length: userCount }, () => randomUUID());
  const seqs = new Map<string, number>();
  const span = 300 * 86_400_000; // createdAt over the last 300 days (inside the 365-day TTL)
  const origin = Date.now() - span;
  const make = (i: number): ChatMessage => {
    const roomId = rooms[i % roomCount] ?? '';
    const seq = (seqs.get(roomId) ?? 0) + 1;
    seqs.set(roomId, seq);
    const userId = users[(i * 7) % userCount] ?? '';
    return {
      id: randomUUID(),
      roomId,
      seq,
      userId,
      username: `user-${userId.slice(0, 8)}`,
      text: `message ${String(i)}: the quick brown fox jumps over the lazy dog`,
      createdAt: new Date(origin + Math.floor((i / total) * span)).toISOString(),
    };
  };
  const publisher = createKafkaEventBus({
    brokers: brokers.split(','),
    clientId: `measure-${id}`,
    logger,
  });
  const publishStart = Date.now();
  const chunk = 1000;
  const inFlight = 8;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const from = next;
        next += chunk;
        const items = [];
        for (let i = from; i < Math.min(from + chunk, total); i++) {
          const data = make(i);
          items.push({ type: 'message.created' as const, data, key: data.roomId, id: data.id });
        }
        await publisher.publishMany(topic, items);
      }
    }),
  );
  const publishMs = Date.now() - publishStart;
  await publisher.close();
  log(
    `published ${String(total)} in ${seconds(publishMs)} (${String(Math.round(total / (publishMs / 1000)))}/s)`,
  );

  // ── 2. ingest ─────────────────────────────────────────────────────────────────────────────
  const key = await createTestSigningKey();
  const jwks = JSON.stringify({ keys: [key.publicJwk] });
  const jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const authUrl = `http://127.0.0.1:${String((jwksServer.address() as AddressInfo).port)}`;

  const spawnedAt = Date.now();
  const archive = await startArchiveProcess({
    env: {
      MONGO_URI: mongoUri,
      MONGO_DATABASE: database,
      KAFKA_BOOTSTRAP_SERVERS: brokers,
      INGEST_TOPIC: topic.name,
      INGEST_GROUP_ID: `archive-measure-${id}`,
      INGEST_START: 'earliest',
      AUTH_SERVICE_URL: authUrl,
      INSTANCE_ID: `measure-${id}`,
      LOG_LEVEL: 'warn',
    },
    readyTimeoutMs: 120_000,
  });
  const inserted = () =>
    scrapeCounter(archive.url, 'archive_ingested_total', ['source="kafka"', 'result="inserted"']);
  let firstAt: number | undefined;
  let firstCount = 0;
  let count = 0;
  let lastReport = Date.now();
  while (count < total) {
    await sleep(250);
    count = await inserted();
    if (firstAt === undefined && count > 0) {
      firstAt = Date.now();
      firstCount = count;
    }
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      log(`  … ${String(count)} archived`);
    }
    if (archive.exited) throw new Error(`archive exited:\n${archive.output()}`);
  }
  const doneAt = Date.now();
  const batches = await scrapeCounter(archive.url, 'archive_ingest_batch_size_count', [
    'source="kafka"',
  ]);
  const writeSeconds = await scrapeCounter(
    archive.url,
    'archive_ingest_batch_duration_seconds_sum',
    ['source="kafka"'],
  );
  const steadyRate = (count - firstCount) / ((doneAt - (firstAt ?? doneAt)) / 1000);
  log(`ingested ${String(count)} in ${seconds(doneAt - spawnedAt)} from process start`);
  log(`  steady ingest rate: ${String(Math.round(steadyRate))} messages/s (first batch → last)`);
  log(
    `  ${String(batches)} batches, ${String(Math.round(count / batches))} messages/batch on average, ` +
      `store write time ${writeSeconds.toFixed(1)} s (${String(Math.round(count / writeSeconds))}/s while writing)`,
  );

  // ── 3. queries ────────────────────────────────────────────────────────────────────────────
  const token = await signTestAccessToken(key, {
    issuer: 'falablau-auth',
    audience: 'falablau',
    claims: { role: 'admin', username: 'measure' },
  });
  const latencies: number[] = [];
  const queryStart = Date.now();
  for (let q = 0; q < queryCount && Date.now() - queryStart < queryBudgetMs; q++) {
    const roomId = rooms[Math.floor(Math.random() * roomCount)] ?? '';
    const t0 = performance.now();
    const res = await fetch(`${archive.url}/archive/rooms/${roomId}?limit=50`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { messages?: unknown[] };
    latencies.push(performance.now() - t0);
    if (
      res.status !== 200 ||
      body.messages?.length !== Math.min(50, Math.ceil(total / roomCount))
    ) {
      throw new Error(
        `unexpected answer ${String(res.status)}: ${JSON.stringify(body).slice(0, 300)}`,
      );
    }
  }
  latencies.sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  log(
    `room history (limit 50) over ${String(count)} archived messages, ${String(latencies.length)} queries: ` +
      `p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, ` +
      `p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1) ?? Number.NaN)}`,
  );

  await archive.stop();
  await new Promise((resolve) => jwksServer.close(resolve));
  if (!args.keep) {
    const client = new MongoClient(mongoUri);
    await client.db(database).dropDatabase();
    await client.close();
    log(`dropped ${database}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
