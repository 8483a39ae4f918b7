// P4: Kafka → archive. chat.messages.v1-shaped events (the outbox's envelopes) go to a topic of
// their own (INGEST_TOPIC, as services/archive/scripts/measure-archive.ts does), and a second
// archive-service process — the built service, the cluster's configuration, its own consumer
// group — ingests them into the cluster's MongoDB database (so P6 then reads them through the
// cluster's archive-service). The producer offers a fixed rate; the archive's own
// archive_ingested_total, polled, gives the ingest rate and, matched against the producer's
// acknowledged counts, the lag of every message (stats/ingest-lag.ts).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@falablau/common';
import { repoRoot, type ClusterInfo } from '../orchestrator/cluster.js';
import { generatorGroup, sleep, withCpu, type Log } from '../orchestrator/context.js';
import { ingestLag, mergeCumulative, steadyRate, type CountAt } from '../stats/ingest-lag.js';
import type { LatencySummary } from '../stats/histogram.js';
import type { CpuReport, ProcessGroup } from '../system/proc.js';
import type { ProducerParams, ProducerResult } from '../worker/producer-worker.js';
import { startOnce } from '../worker/one-shot.js';

export interface IngestConfig {
  rate: number;
  /** Producer processes sharing `rate` (and the rooms); one tops out near 20,000/s here. */
  producers: number;
  durationMs: number;
  rooms: number;
  textBytes: number;
  /** After the producer finished, the longest wait for the archive to store everything. */
  maxDrainMs: number;
  pollMs: number;
}

export interface IngestFigures {
  topic: string;
  offeredPerSec: number;
  produced: number;
  producedPerSec: number;
  producerBehind: number;
  ingested: number;
  /** From the first stored message to the last (the consumer busy the whole time). */
  ingestPerSec: number;
  lag: LatencySummary;
  unmatched: number;
  complete: boolean;
  drainMs: number;
  pollMs: number;
  roomIds: string[];
  cpu: CpuReport;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Σ of a Prometheus counter's series whose labels include all of `labels`. */
export function counterValue(metrics: string, name: string, labels: string[]): number {
  let sum = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!labels.every((l) => line.includes(l))) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

export async function scrape(url: string): Promise<string> {
  const response = await fetch(new URL('/metrics', url), { signal: AbortSignal.timeout(5_000) });
  return response.text();
}

export async function ingestedCount(archiveUrl: string): Promise<number> {
  return counterValue(await scrape(archiveUrl), 'archive_ingested_total', [
    'source="kafka"',
    'result="inserted"',
  ]);
}

function produce(cluster: ClusterInfo, params: Omit<ProducerParams, 'brokers'>, timeoutMs: number) {
  return startOnce<ProducerResult>(
    new URL('../worker/producer-worker.js', import.meta.url),
    { ...params, brokers: cluster.kafka } satisfies ProducerParams,
    timeoutMs,
  );
}

/**
 * Where the ingesting archive-service stores: the cluster's MongoDB database (the built service,
 * as deployed), or its PostgreSQL ArchiveStore in a throw-away database on the cluster's Postgres
 * (worker/archive-pg-service.ts: the same app and consumer on a store that is not the stand-in).
 */
export type IngestStore = 'mongo' | 'postgres';

export async function runIngest(
  cfg: IngestConfig,
  opts: {
    cluster: ClusterInfo;
    label: string;
    groups: ProcessGroup[];
    log: Log;
    store?: IngestStore;
  },
): Promise<IngestFigures> {
  const { cluster, log } = opts;
  const store = opts.store ?? 'mongo';
  const name = store === 'mongo' ? 'P4' : 'P4 (indexed store)';
  // Names of its own (topic, group, log) so both runs can follow each other in one benchmark.
  const suffix = store === 'mongo' ? '' : '-pg';
  const topic = `chat.messages.v1.bench-${opts.label}${suffix}`;
  const roomIds = Array.from({ length: cfg.rooms }, () => randomUUID());
  const base = { topic, roomIds, maxInFlight: 16, textBytes: cfg.textBytes };

  // A first small batch creates the topic (the archive subscribes to an existing one). Rooms of
  // its own: the producer numbers each room's seqs from 1, and a second message at the same
  // (room, seq) would be refused by the archive as a conflict.
  const warmCount = 1_000;
  const warmRooms = Array.from({ length: 10 }, () => randomUUID());
  const warm = await produce(
    cluster,
    { ...base, roomIds: warmRooms, rate: 2_000, durationMs: warmCount / 2 },
    60_000,
  ).result;
  if (warm.count < warmCount) {
    throw new Error(`${name}: warm-up produced ${warm.count} of ${warmCount}`);
  }

  const database: ThrowawayDatabase | undefined =
    store === 'postgres'
      ? await createThrowawayDatabase(cluster.databaseUrl, 'bench_ingest')
      : undefined;
  const port = await freePort();
  const logDir = join(repoRoot, '.infra/bench');
  mkdirSync(logDir, { recursive: true });
  const logName = `archive-ingest${suffix}.log`;
  const logFile = openSync(join(logDir, logName), 'w');
  const archiveUrl = `http://127.0.0.1:${port}`;
  const entry = database
    ? fileURLToPath(new URL('../worker/archive-pg-service.js', import.meta.url))
    : join(repoRoot, 'services/archive/dist/main.js');
  const archive = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    stdio: ['ignore', logFile, logFile],
    env: {
      ...(database ? { ARCHIVE_DATABASE_URL: database.url } : {}),
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      MONGO_URI: cluster.mongoUri,
      KAFKA_BOOTSTRAP_SERVERS: cluster.kafka,
      AUTH_SERVICE_URL: cluster.authUrl,
      INGEST_TOPIC: topic,
      INGEST_GROUP_ID: `bench-ingest-${opts.label}${suffix}`,
      INGEST_START: 'earliest',
      INSTANCE_ID: `bench-ingest-${opts.label}${suffix}`,
    },
  });
  const archivePid = archive.pid ?? -1;
  const stopArchive = () =>
    new Promise<void>((resolve) => {
      if (archive.exitCode !== null || archive.signalCode !== null) {
        resolve();
        return;
      }
      const timer = setTimeout(() => archive.kill('SIGKILL'), 20_000);
      archive.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      archive.kill('SIGTERM');
    });
  try {
    log(
      `${name}: archive-service ingest process on ${archiveUrl} (topic ${topic}; log .infra/bench/${logName})`,
    );
    const readyBy = Date.now() + 120_000;
    for (;;) {
      if (archive.exitCode !== null)
        throw new Error(`${name}: the ingest archive process exited (see its log)`);
      try {
        const response = await fetch(new URL('/ready', archiveUrl), {
          signal: AbortSignal.timeout(2_000),
        });
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > readyBy)
        throw new Error(`${name}: the ingest archive process is not ready after 120 s`);
      await sleep(250);
    }
    // Joined its group and caught up with the warm-up: the clock starts on a running consumer.
    const warmBy = Date.now() + 120_000;
    while ((await ingestedCount(archiveUrl)) < warmCount) {
      if (Date.now() > warmBy)
        throw new Error(`${name}: the warm-up batch was not ingested within 120 s`);
      await sleep(250);
    }
    log(`${name}: consumer running; offering ${cfg.rate}/s for ${cfg.durationMs / 1_000} s`);

    const ingestGroup: ProcessGroup = {
      name: 'archive-ingest',
      role: 'server',
      pids: [archivePid],
      tree: false,
    };
    const producerPids: number[] = [];
    const { value, cpu } = await withCpu(
      () => [...opts.groups, ingestGroup, generatorGroup(producerPids)],
      async () => {
        const ingested: CountAt[] = [{ t: Date.now(), count: 0 }];
        // Each producer its own rooms: every one numbers its rooms' seqs from 1.
        const n = Math.max(1, cfg.producers);
        const producers = Array.from({ length: n }, (_, i) =>
          produce(
            cluster,
            {
              ...base,
              roomIds: roomIds.filter((_, r) => r % n === i),
              rate: cfg.rate / n,
              durationMs: cfg.durationMs,
            },
            cfg.durationMs + 120_000,
          ),
        );
        producerPids.push(...producers.map((p) => p.pid));
        let producerDone: ProducerResult | undefined;
        let producerError: Error | undefined;
        void Promise.all(producers.map((p) => p.result)).then(
          (results) => {
            producerDone = {
              produced: mergeCumulative(results.map((r) => r.produced)),
              count: results.reduce((sum, r) => sum + r.count, 0),
              errors: results.reduce((sum, r) => sum + r.errors, 0),
              behind: results.reduce((sum, r) => sum + r.behind, 0),
              ms: Math.max(...results.map((r) => r.ms)),
            };
          },
          (e: unknown) => {
            producerError = e instanceof Error ? e : new Error(String(e));
          },
        );
        let doneAt: number | undefined;
        let lastLog = Date.now();
        for (;;) {
          await sleep(cfg.pollMs);
          const count = (await ingestedCount(archiveUrl)) - warmCount;
          ingested.push({ t: Date.now(), count });
          if (producerError) throw producerError;
          if (producerDone && doneAt === undefined) doneAt = Date.now();
          if (producerDone && count >= producerDone.count) break;
          if (doneAt !== undefined && Date.now() - doneAt > cfg.maxDrainMs) break;
          if (Date.now() - lastLog > 10_000) {
            lastLog = Date.now();
            log(`${name}: ${count} stored so far`);
          }
        }
        if (!producerDone) throw new Error(`${name}: producer did not finish`);
        return { producer: producerDone, ingested, drainMs: Date.now() - (doneAt ?? Date.now()) };
      },
    );
    const { producer, ingested, drainMs } = value;
    const last = ingested.at(-1)?.count ?? 0;
    const { lag, unmatched } = ingestLag(producer.produced, ingested);
    const rate = steadyRate(ingested);
    const producedSpan = (producer.produced.at(-1)?.t ?? 0) - (producer.produced[0]?.t ?? 0);
    const figures: IngestFigures = {
      topic,
      offeredPerSec: cfg.rate,
      produced: producer.count,
      producedPerSec: producedSpan > 0 ? (producer.count / producedSpan) * 1_000 : 0,
      producerBehind: producer.behind,
      ingested: last,
      ingestPerSec: rate.rate,
      lag: lag.summary(),
      unmatched,
      complete: last >= producer.count,
      drainMs,
      pollMs: cfg.pollMs,
      roomIds,
      cpu,
    };
    log(
      `${name}: produced ${producer.count} (${figures.producedPerSec.toFixed(0)}/s), stored ${last} at ${rate.rate.toFixed(0)}/s; ` +
        `lag p50 ${figures.lag.p50 ?? 'n/a'} ms, p99 ${figures.lag.p99 ?? 'n/a'} ms` +
        (figures.complete ? '' : ` (INCOMPLETE after ${cfg.maxDrainMs / 1_000} s of drain)`),
    );
    return figures;
  } finally {
    await stopArchive();
    await database?.drop();
  }
}
