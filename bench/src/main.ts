// `make bench` / `make bench-smoke` (scripts/bench/*.sh start the cluster, then run this).
//
//   node bench/dist/main.js            the full benchmark, P1–P7, on the running local cluster;
//                                      writes docs/performance.{md,json}
//   node bench/dist/main.js --smoke    a reduced P2 across the two chat processes; the last line
//                                      is the verdict, exit 1 if anything was lost
//   node bench/dist/main.js --check    the generator against the reference server only (no
//                                      cluster): a self-test of framing, ledger and statistics
//   --quick        every phase, small, in a few minutes (checks the benchmark, not the targets;
//                  figures go to .infra/bench only)
//   --only P2,P7   only these phases (figures go to .infra/bench, not to docs/)
//   --no-docs      do not rewrite docs/performance.{md,json}
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  clusterSigning,
  readCluster,
  repoRoot,
  serverGroups,
  type ClusterInfo,
} from './orchestrator/cluster.js';
import { makeLog, settle, startReferenceServers, type Log } from './orchestrator/context.js';
import { generatorCheck } from './phases/check.js';
import {
  offered,
  runFanout,
  startFanoutFleet,
  type FanoutConfig,
  type FanoutFigures,
} from './phases/fanout.js';
import { runIndexedArchive, type IndexedArchiveConfig } from './phases/archive-indexed.js';
import { measurePages, type HistoryConfig } from './phases/history.js';
import { counterValue, runIngest, scrape, type IngestConfig } from './phases/ingest.js';
import { describeLogins, loginFigures, registerUsers, startLogins } from './phases/logins.js';
import { runPersist, type PersistConfig } from './phases/persist.js';
import { profileWhile } from './phases/profile.js';
import { runSockets, type SocketsConfig } from './phases/sockets.js';
import { machineInfo, otherProcesses, processCpu } from './report/machine.js';
import { writeMarkdown } from './report/markdown.js';
import { evaluateTargets, type BenchResults } from './report/results.js';
import type { ProcessGroup } from './system/proc.js';
import { loadAverage } from './system/proc.js';
import { createPrivateKey } from 'node:crypto';
import { mintAccessToken, newUser } from './worker/tokens.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
  },
});

export interface FullConfig {
  p2: FanoutConfig;
  /** Fractions of P2's rate run first, shorter, to show where the latency targets stop holding. */
  p2Ramp: { fractions: number[]; durationMs: number };
  p2ProfileMs: number;
  p5: { users: number; rate: number; aloneMs: number };
  p3: PersistConfig;
  p3ProfileMs: number;
  p4: IngestConfig;
  p6Hot: HistoryConfig;
  p6Archive: HistoryConfig;
  /** P6's archive pages on an indexed store at the target's 10M (phases/archive-indexed.ts). */
  p6Indexed: IndexedArchiveConfig;
  p1: SocketsConfig;
}

const fullConfig: FullConfig = {
  p2: {
    rooms: 500,
    roomSize: 10,
    ratePerSocket: 1,
    durationMs: 30_000,
    drainMs: 10_000,
    textBytes: 64,
    processes: 3,
    ackTimeoutMs: 15_000,
  },
  p2Ramp: { fractions: [0.05, 0.1, 0.2, 0.5], durationMs: 10_000 },
  p2ProfileMs: 10_000,
  p5: { users: 40, rate: 80, aloneMs: 10_000 },
  p3: {
    sockets: 200,
    window: 4,
    durationMs: 20_000,
    processes: 2,
    textBytes: 64,
    ackTimeoutMs: 15_000,
  },
  p3ProfileMs: 8_000,
  p4: {
    rate: 30_000,
    producers: 2,
    durationMs: 5_000,
    rooms: 1_000,
    textBytes: 64,
    maxDrainMs: 90_000,
    pollMs: 100,
  },
  p6Hot: { maxRequests: 1_000, budgetMs: 20_000, pagesPerScroll: 5 },
  p6Archive: { maxRequests: 30, budgetMs: 60_000, pagesPerScroll: 1 },
  p6Indexed: {
    messages: 10_000_000,
    rooms: 10_000,
    chunk: 500_000,
    pages: { maxRequests: 1_000, budgetMs: 60_000, pagesPerScroll: 5 },
  },
  p1: { target: 50_000, steps: 5, processes: 3, connectConcurrency: 100 },
};

/** `--quick`: every phase, small (a few minutes): checks the whole benchmark, not the targets. */
const quickConfig: FullConfig = {
  ...fullConfig,
  p2: { ...fullConfig.p2, rooms: 50, durationMs: 10_000, drainMs: 5_000, processes: 2 },
  p2Ramp: { fractions: [0.5], durationMs: 5_000 },
  p2ProfileMs: 3_000,
  p5: { users: 8, rate: 20, aloneMs: 5_000 },
  p3: { ...fullConfig.p3, sockets: 40, durationMs: 5_000 },
  p3ProfileMs: 3_000,
  p4: {
    ...fullConfig.p4,
    rate: 5_000,
    producers: 1,
    durationMs: 2_000,
    rooms: 100,
    maxDrainMs: 30_000,
  },
  p6Hot: { maxRequests: 100, budgetMs: 5_000, pagesPerScroll: 5 },
  p6Archive: { maxRequests: 5, budgetMs: 20_000, pagesPerScroll: 1 },
  p6Indexed: {
    messages: 100_000,
    rooms: 100,
    chunk: 50_000,
    pages: { maxRequests: 100, budgetMs: 10_000, pagesPerScroll: 5 },
  },
  p1: { ...fullConfig.p1, target: 3_000, steps: 3 },
};

const smokeConfig: FanoutConfig = {
  rooms: 20,
  roomSize: 10,
  ratePerSocket: 2,
  durationMs: 10_000,
  drainMs: 5_000,
  textBytes: 64,
  processes: 2,
  ackTimeoutMs: 10_000,
};

const checkConfig: FanoutConfig = { ...smokeConfig, durationMs: 8_000 };

const outDir = join(repoRoot, '.infra/bench');

function saveJson(name: string, value: unknown): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

const fmt = (v: number | null, digits = 1) => (v === null ? 'n/a' : v.toFixed(digits));

async function smoke(log: Log): Promise<number> {
  const cluster = readCluster();
  const signing = await clusterSigning(cluster, 3_600);
  const label = randomBytes(3).toString('hex');
  const o = offered(smokeConfig);
  log(
    `smoke: ${smokeConfig.rooms} rooms of ${smokeConfig.roomSize} over chat-a and chat-b, ${o.messages} msg/s for ${smokeConfig.durationMs / 1_000} s`,
  );
  const fleet = await startFanoutFleet('smoke', smokeConfig, {
    targets: [cluster.chatA, cluster.chatB],
    roomsVia: cluster.chatA,
    signing,
    label,
    log,
  });
  let figures: FanoutFigures;
  try {
    figures = await runFanout(fleet, smokeConfig, 'P2 smoke', serverGroups(cluster), log);
  } finally {
    await fleet.stop();
  }
  saveJson('smoke.json', figures);
  const { run } = figures;
  const problems: string[] = [];
  if (run.counts.failed > 0)
    problems.push(`${run.counts.failed} sends failed: ${JSON.stringify(run.errors)}`);
  if (run.counts.pending > 0) problems.push(`${run.counts.pending} sends never answered`);
  if (run.misrouted > 0) problems.push(`${run.misrouted} deliveries misrouted`);
  if (run.disconnects > 0) problems.push(`${run.disconnects} sockets disconnected`);
  for (const p of problems) log(`smoke: PROBLEM: ${p}`);
  process.stdout.write(
    `P2 smoke: ${Math.round(run.deliveriesPerSec)} deliveries/s, p50 ${fmt(run.delivery.p50)} ms, p99 ${fmt(run.delivery.p99)} ms, lost ${run.counts.lost}\n`,
  );
  return run.counts.lost > 0 || problems.length > 0 ? 1 : 0;
}

async function full(
  log: Log,
  cfg: FullConfig,
  only: Set<string> | undefined,
  writeDocs: boolean,
): Promise<number> {
  const t0 = performance.now();
  const cluster: ClusterInfo = readCluster();
  const signing = await clusterSigning(cluster, 7_200);
  const label = randomBytes(3).toString('hex');
  const servers = serverGroups(cluster);
  const machine = machineInfo();
  const cpuAtStart = processCpu();
  const forked = new Set<number>();
  const want = (id: string) => !only || only.has(id);
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    label,
    durationSeconds: 0,
    machine,
    config: cfg,
    targets: [],
  };
  log(
    `run ${label}: ${machine.nproc} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}; ` +
      `load average ${machine.loadAverageBefore.join(' ')}`,
  );
  const phase = async <T extends object>(
    id: string,
    work: () => Promise<T>,
  ): Promise<T | { error: string }> => {
    log(`── ${id} ──`);
    try {
      return await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${id} FAILED: ${message}`);
      return { error: message };
    } finally {
      await settle(servers, log);
    }
  };
  const key = createPrivateKey(signing.pem);
  const readerToken = await mintAccessToken(key, signing, newUser(`b${label}reader`));

  // P3 first, on a fresh chat-a (its heap is not yet shaped by P1's 50,000 sockets).
  if (want('P3')) {
    results.P3 = await phase('P3', () =>
      runPersist(cfg.p3, {
        chatUrl: cluster.chatA,
        signing,
        label: `${label}p3`,
        groups: servers,
        log,
        profile: { pid: cluster.pids.chatA, ms: cfg.p3ProfileMs },
      }),
    );
  }

  // P2 (ramp, main), P5 (alone, then during P2), P2's profile, P6 hot on P2's rooms.
  let p2Main: FanoutFigures | undefined;
  if (want('P2') || want('P5') || want('P6') || want('P7')) {
    const p2 = await phase('P2', async () => {
      const fleet = await startFanoutFleet('P2', cfg.p2, {
        targets: [cluster.chatA, cluster.chatB],
        roomsVia: cluster.chatA,
        signing,
        label: `${label}p2`,
        log,
      });
      for (const pid of fleet.pids) forked.add(pid);
      try {
        const ramp: FanoutFigures[] = [];
        if (want('P2')) {
          for (const fraction of cfg.p2Ramp.fractions) {
            ramp.push(
              await runFanout(
                fleet,
                cfg.p2,
                `P2 ramp ${Math.round(fraction * 100)} %`,
                servers,
                log,
                {
                  ratePerSocket: cfg.p2.ratePerSocket * fraction,
                  durationMs: cfg.p2Ramp.durationMs,
                },
              ),
            );
            await settle(servers, log);
          }
        }
        const main = await runFanout(fleet, cfg.p2, 'P2', servers, log);
        p2Main = main;
        await settle(servers, log);
        let withLogins: FanoutFigures | undefined;
        if (want('P5')) {
          results.P5 = await (async () => {
            try {
              const users = await registerUsers(cluster.baseUrl, label, cfg.p5.users, log);
              const aloneRun = startLogins(
                cluster.baseUrl,
                users,
                cfg.p5.rate,
                cfg.p5.aloneMs,
                Date.now() + 500,
              );
              forked.add(aloneRun.pid);
              const alone = loginFigures(await aloneRun.result, cfg.p5.rate, users.length);
              log(describeLogins('P5 alone', alone));
              await settle(servers, log);
              const startAt = Date.now() + 1_000;
              const during = startLogins(
                cluster.baseUrl,
                users,
                cfg.p5.rate,
                cfg.p2.durationMs,
                startAt,
              );
              forked.add(during.pid);
              const loginGroup: ProcessGroup = {
                name: 'logins',
                role: 'generator',
                pids: [during.pid],
                tree: false,
              };
              withLogins = await runFanout(
                fleet,
                cfg.p2,
                'P2 + P5',
                [...servers, loginGroup],
                log,
                { startAt },
              );
              const duringP2 = loginFigures(await during.result, cfg.p5.rate, users.length);
              log(describeLogins('P5 during P2', duringP2));
              return { alone, duringP2 };
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              log(`P5 FAILED: ${message}`);
              return { error: message };
            }
          })();
          await settle(servers, log);
        }
        const profiled = await profileWhile(
          'p2-chat-a',
          cluster.pids.chatA,
          cfg.p2ProfileMs,
          () =>
            runFanout(fleet, cfg.p2, 'P2 (profiled, not counted)', servers, log, {
              durationMs: cfg.p2ProfileMs,
            }),
          log,
        );
        await settle(servers, log);
        if (want('P6')) {
          const hot = await measurePages('P6 hot', cfg.p6Hot, {
            baseUrl: cluster.baseUrl,
            token: readerToken,
            rooms: fleet.roomIds,
            pathOf: (room, cursor) =>
              `/api/chat/rooms/${room}/messages?limit=50${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`,
            log,
          });
          results.P6 = { hot };
        }
        return { ramp, main, ...(withLogins ? { withLogins } : {}), profile: profiled.profile };
      } finally {
        await fleet.stop();
      }
    });
    if (want('P2')) results.P2 = p2;
    else if ('error' in p2 && want('P6')) results.P6 = p2;
  }

  if (want('P7') && p2Main) {
    const ours = p2Main;
    results.P7 = await phase('P7', async () => {
      const reference = await startReferenceServers(2, {
        redisUrl: cluster.redisUrl,
        authUrl: cluster.authUrl,
        key: `falablau-bench-ref-${label}`,
      });
      for (const pid of reference.pids) forked.add(pid);
      try {
        const fleet = await startFanoutFleet('P7', cfg.p2, {
          targets: reference.urls,
          signing,
          label: `${label}p7`,
          log,
        });
        for (const pid of fleet.pids) forked.add(pid);
        try {
          const refGroup: ProcessGroup = {
            name: 'reference',
            role: 'reference',
            pids: reference.pids,
            tree: false,
          };
          const ref = await runFanout(fleet, cfg.p2, 'P7 reference', [...servers, refGroup], log);
          const throughputRatio = ours.run.deliveriesPerSec / Math.max(1, ref.run.deliveriesPerSec);
          const p99Ratio =
            (ours.run.delivery.p99 ?? Infinity) / Math.max(0.001, ref.run.delivery.p99 ?? Infinity);
          log(
            `P7: chat-service ${throughputRatio.toFixed(2)}× the reference's throughput, ${p99Ratio.toFixed(2)}× its p99`,
          );
          return { ours, reference: ref, throughputRatio, p99Ratio };
        } finally {
          await fleet.stop();
        }
      } finally {
        await reference.stop();
      }
    });
  }

  if (want('P4') || want('P6')) {
    const p4 = await phase('P4', () => runIngest(cfg.p4, { cluster, label, groups: servers, log }));
    if (want('P4')) results.P4 = p4;
    if (want('P6') && !('error' in p4)) {
      const clusterArchived = counterValue(
        await scrape(cluster.archiveUrl),
        'archive_ingested_total',
        ['result="inserted"'],
      );
      const archivedMessages = clusterArchived + p4.ingested + 1_000;
      const previous = results.P6 && !('error' in results.P6) ? results.P6 : {};
      results.P6 = await phase('P6 archive', async () => {
        const archive = await measurePages(
          `P6 archive (${archivedMessages} archived)`,
          cfg.p6Archive,
          {
            baseUrl: cluster.baseUrl,
            token: readerToken,
            rooms: p4.roomIds,
            pathOf: (room) => `/api/archive/archive/rooms/${room}?limit=50`,
            log,
          },
        );
        return { ...previous, archive, archivedMessages };
      });
    }
  }

  if (want('P4')) {
    results.P4Indexed = await phase('P4 (indexed store)', () =>
      runIngest(cfg.p4, { cluster, label, groups: servers, log, store: 'postgres' }),
    );
  }

  if (want('P6')) {
    const indexed = await phase('P6 archive (indexed store)', () =>
      runIndexedArchive(cfg.p6Indexed, {
        databaseUrl: cluster.databaseUrl,
        authUrl: cluster.authUrl,
        issuer: signing.issuer,
        audience: signing.audience,
        token: readerToken,
        log,
      }),
    );
    const previous = results.P6 && !('error' in results.P6) ? results.P6 : {};
    results.P6 = { ...previous, indexed };
  }

  if (want('P1')) {
    results.P1 = await phase('P1', () =>
      runSockets(cfg.p1, {
        chatUrl: cluster.chatA,
        chatPid: cluster.pids.chatA,
        signing,
        label: `${label}p1`,
        groups: servers,
        log,
      }),
    );
  }

  results.durationSeconds = Math.round((performance.now() - t0) / 1_000);
  machine.loadAverageAfter = loadAverage();
  const roots = [...servers.flatMap((g) => g.pids)];
  const others = otherProcesses(cpuAtStart, roots, forked);
  machine.others = others.list;
  machine.othersCpuSeconds = others.total;
  results.targets = evaluateTargets(results);
  const file = saveJson(`results-${label}.json`, results);
  log(`figures: ${file.slice(repoRoot.length)}`);
  if (writeDocs && !only) {
    writeFileSync(join(repoRoot, 'docs/performance.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeMarkdown(join(repoRoot, 'docs/performance.md'), results);
    log('wrote docs/performance.md and docs/performance.json');
  }
  log('── targets ──');
  for (const t of results.targets) {
    log(`${t.id} ${t.met === null ? 'NOT MEASURED' : t.met ? 'met' : 'MISSED'}: ${t.measured}`);
  }
  // Ours only: the reference server losing messages is one of its findings (P7's row says so),
  // not a failure of the benchmark.
  const lost =
    results.P2 && !('error' in results.P2)
      ? [
          ...results.P2.ramp,
          results.P2.main,
          ...(results.P2.withLogins ? [results.P2.withLogins] : []),
        ]
          .map((step) => step.run.counts.lost)
          .reduce((sum, n) => sum + n, 0)
      : 0;
  const crashed = results.targets.filter((t) => t.measured.startsWith('failed')).map((t) => t.id);
  if (lost > 0) log(`LOST deliveries (chat-service): ${lost}`);
  if (crashed.length > 0) log(`phases that failed: ${crashed.join(', ')}`);
  log(`done in ${(results.durationSeconds / 60).toFixed(1)} min`);
  return lost > 0 || crashed.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const log = makeLog();
  if (args.check) {
    const { run } = await generatorCheck(checkConfig, log);
    const bad = run.counts.lost + run.misrouted + run.counts.failed + run.counts.pending;
    log(
      `check: ${bad === 0 ? 'ok' : 'FAILED'} (lost ${run.counts.lost}, misrouted ${run.misrouted}, failed ${run.counts.failed})`,
    );
    return bad === 0 ? 0 : 1;
  }
  if (args.smoke) return smoke(log);
  const only = args.only
    ? new Set(args.only.split(',').map((s) => s.trim().toUpperCase()))
    : undefined;
  if (args.quick) return full(log, quickConfig, only, false);
  return full(log, fullConfig, only, !args['no-docs']);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `[bench] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
