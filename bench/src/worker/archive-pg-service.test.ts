// The benchmark's archive process on the PostgreSQL store, for real: Kafka events from the
// benchmark's own producer are ingested into a throw-away Postgres database, each (room, seq)
// once, counted by the service's archive_ingested_total, and SIGTERM ends it cleanly.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@falablau/common';
import { requireServer, startServiceProcess, type ServiceProcess } from '@falablau/common/testing';
import { ingestedCount } from '../phases/ingest.js';
import type { ProducerParams, ProducerResult } from './producer-worker.js';
import { startOnce } from './one-shot.js';

/** The built worker (the benchmark runs dist/), refused when older than its source. */
function built(name: string): string {
  const js = fileURLToPath(new URL(`../../dist/worker/${name}.js`, import.meta.url));
  const ts = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (!existsSync(js) || statSync(js).mtimeMs < statSync(ts).mtimeMs) {
    throw new Error(
      `${js} is missing or older than ${ts}: run \`npm run build -w @falablau/bench\``,
    );
  }
  return js;
}

let database: ThrowawayDatabase;
let service: ServiceProcess | undefined;

beforeAll(async () => {
  database = await createThrowawayDatabase(requireServer('DATABASE_URL'), 'bench_ingest_test');
});

afterAll(async () => {
  await service?.kill();
  await database.drop();
});

it("ingests the producer's events into the PostgreSQL store and stops on SIGTERM", async () => {
  const brokers = requireServer('KAFKA_BOOTSTRAP_SERVERS');
  const label = randomBytes(4).toString('hex');
  const topic = `chat.messages.v1.bench-test-${label}`;
  // Produced first: the archive subscribes to a topic that exists.
  const produced = await startOnce<ProducerResult>(
    pathToFileURL(built('producer-worker')),
    {
      brokers,
      topic,
      roomIds: [randomUUID(), randomUUID(), randomUUID()],
      rate: 300,
      durationMs: 1_000,
      maxInFlight: 4,
      textBytes: 32,
    } satisfies ProducerParams,
    60_000,
  ).result;
  expect(produced.errors).toBe(0);
  expect(produced.count).toBeGreaterThanOrEqual(250);

  service = await startServiceProcess({
    name: 'archive-pg',
    entryPoint: built('archive-pg-service'),
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      ARCHIVE_DATABASE_URL: database.url,
      MONGO_URI: requireServer('MONGO_URI'),
      KAFKA_BOOTSTRAP_SERVERS: brokers,
      AUTH_SERVICE_URL: 'http://127.0.0.1:9',
      INGEST_TOPIC: topic,
      INGEST_GROUP_ID: `bench-test-${label}`,
      INGEST_START: 'earliest',
      INSTANCE_ID: `bench-test-${label}`,
    },
    readyTimeoutMs: 60_000,
  });
  const deadline = Date.now() + 60_000;
  let ingested = 0;
  while (Date.now() < deadline) {
    ingested = await ingestedCount(service.url);
    if (ingested >= produced.count) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(ingested).toBe(produced.count);

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ messages: string; seats: string }>(
      'select count(*) as messages, count(distinct (room_id, seq)) as seats from archive.messages',
    );
    expect(rows[0]).toEqual({ messages: String(produced.count), seats: String(produced.count) });
  } finally {
    await client.end();
  }
  expect(await service.stop()).toBe(0);
}, 120_000);
