// P1: idle authenticated sockets on ONE chat process, and what each costs it in RSS. Generator
// processes open them straight to chat-a (nginx would hold two descriptors per socket and its
// own memory), in steps; after each step chat-a is given a full GC (over its inspector) and a
// few seconds to settle, then its VmRSS and heap are read. The per-socket figure is the slope of
// RSS against sockets (least squares over the steps) and the total delta over the count.
//
// Limits: 50,000 connections to one port from one source address would need more than the
// 28,232 ephemeral ports Linux has by default (32768–60999), so generator process i uses source
// address 127.0.0.(1 + i) (the listener stays on 127.0.0.1); and the open-file limits of chat-a
// and of the generator processes are raised with prlimit (root) as far as /proc/sys/fs/nr_open.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Log } from '../orchestrator/context.js';
import { generatorGroup, sleep, withCpu } from '../orchestrator/context.js';
import { GeneratorProcess } from '../orchestrator/workers.js';
import { InspectorSession } from '../profile/inspector.js';
import { linearFit } from '../stats/regression.js';
import { readNofile, readRssKb, type CpuReport, type ProcessGroup } from '../system/proc.js';
import type { SigningSpec, SocketSpec } from '../worker/protocol.js';

export interface SocketsConfig {
  target: number;
  steps: number;
  processes: number;
  connectConcurrency: number;
}

export interface SocketStep {
  sockets: number;
  rssKb: number;
  heapUsedKb: number | null;
  externalKb: number | null;
  generatorRssKb: number;
}

export interface SocketsFigures {
  target: number;
  /** What the open-file limit allowed to aim at. */
  aimed: number;
  reached: number;
  failed: number;
  errors: Record<string, number>;
  nofile: { chat: number | null; generator: number | null; nrOpen: number; raised: boolean };
  steps: SocketStep[];
  /** (RSS at the largest count − RSS before) / count, KB per socket (1 KB = 1024 B). */
  rssPerSocketKb: number | null;
  /** Least-squares slope of RSS over the steps, KB per socket. */
  rssSlopeKb: number | null;
  rssSlopeR2: number | null;
  heapSlopeKb: number | null;
  generatorKbPerSocket: number | null;
  connectSeconds: number;
  connectsPerSec: number;
  cpu: CpuReport;
}

/** Descriptors chat-a needs besides its sockets. */
const FD_RESERVE = 300;

function raiseNofile(pid: number, limit: number): boolean {
  try {
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:${limit}`], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

async function sample(
  chatPid: number,
  sockets: number,
  generatorPids: number[],
  inspector: InspectorSession | undefined,
): Promise<SocketStep> {
  let memory: NodeJS.MemoryUsage | undefined;
  if (inspector) {
    try {
      memory = await inspector.memoryAfterGc();
    } catch {
      memory = undefined;
    }
  }
  // RSS settles within a few seconds after a GC: take it once two reads a second apart agree.
  let rss = readRssKb(chatPid) ?? 0;
  for (let i = 0; i < 10; i++) {
    await sleep(1_000);
    const next = readRssKb(chatPid) ?? 0;
    const stable = Math.abs(next - rss) < rss * 0.002;
    rss = next;
    if (stable) break;
  }
  return {
    sockets,
    rssKb: rss,
    heapUsedKb: memory ? Math.round(memory.heapUsed / 1_024) : null,
    externalKb: memory ? Math.round((memory.external + memory.arrayBuffers) / 1_024) : null,
    generatorRssKb: generatorPids.reduce((s, pid) => s + (readRssKb(pid) ?? 0), 0),
  };
}

export async function runSockets(
  cfg: SocketsConfig,
  opts: {
    chatUrl: string;
    chatPid: number;
    signing: SigningSpec;
    label: string;
    groups: ProcessGroup[];
    log: Log;
  },
): Promise<SocketsFigures> {
  const { log } = opts;
  const nrOpen = Number(readFileSync('/proc/sys/fs/nr_open', 'utf8').trim());
  const wanted = Math.min(nrOpen, cfg.target + 20_000);
  const chatRaised = raiseNofile(opts.chatPid, wanted);
  const chatLimit = readNofile(opts.chatPid)?.soft ?? null;
  // The count the limit allows: chat-a's other descriptors (Postgres pool, Redis, Kafka, its
  // listening socket, files) stay below a few hundred.
  const reachable = chatLimit === null ? cfg.target : Math.min(cfg.target, chatLimit - FD_RESERVE);
  log(
    `P1: chat-a open-file limit ${chatLimit ?? '?'}` +
      (chatRaised
        ? ' (raised with prlimit)'
        : ' (not raised: prlimit was refused, no CAP_SYS_RESOURCE)') +
      (reachable < cfg.target ? `: aiming at ${reachable} sockets, not ${cfg.target}` : ''),
  );

  const perProcess = Math.ceil(reachable / cfg.processes);
  const processes = Array.from(
    { length: cfg.processes },
    (_, i) => new GeneratorProcess(i, () => undefined, { heapMb: 4_096 }),
  );
  let inspector: InspectorSession | undefined;
  try {
    let generatorRaised = true;
    for (const p of processes)
      generatorRaised = raiseNofile(p.pid, perProcess + 5_000) && generatorRaised;
    const generatorLimit = readNofile(processes[0]?.pid ?? 0)?.soft ?? null;
    const t0 = performance.now();
    await Promise.all(
      processes.map((p, i) => {
        const sockets: SocketSpec[] = Array.from({ length: perProcess }, () => ({
          target: 0,
          room: -1,
          member: -1,
          localAddress: `127.0.0.${1 + i}`,
        }));
        return p.call('setup', {
          workerId: i,
          label: opts.label,
          targets: [opts.chatUrl],
          signing: opts.signing,
          rooms: 0,
          sockets,
          connectConcurrency: cfg.connectConcurrency,
          connectTimeoutMs: 30_000,
        });
      }),
    );
    log(
      `P1: ${perProcess * cfg.processes} users minted in ${((performance.now() - t0) / 1_000).toFixed(1)} s; ${cfg.processes} generator processes (open-file limit ${generatorLimit ?? '?'})`,
    );
    try {
      inspector = await InspectorSession.attach(opts.chatPid);
    } catch (error) {
      log(
        `P1: no inspector on chat-a (${error instanceof Error ? error.message : String(error)}): RSS only, no forced GC`,
      );
    }
    const pids = processes.map((p) => p.pid);
    const steps: SocketStep[] = [await sample(opts.chatPid, 0, pids, inspector)];
    log(`P1: chat-a before: RSS ${((steps[0]?.rssKb ?? 0) / 1_024) | 0} MiB`);
    let reached = 0;
    let failed = 0;
    const errors: Record<string, number> = {};
    let connectMs = 0;
    const { cpu } = await withCpu(
      () => [...opts.groups, generatorGroup(pids)],
      async () => {
        for (let step = 1; step <= cfg.steps; step++) {
          const from = Math.floor(((step - 1) * perProcess) / cfg.steps);
          const to = Math.floor((step * perProcess) / cfg.steps);
          const t = performance.now();
          const results = await Promise.all(processes.map((p) => p.call('connect', { from, to })));
          connectMs += performance.now() - t;
          for (const r of results) {
            reached += r.connected;
            failed += r.failed;
            for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
          }
          const stats = await Promise.all(processes.map((p) => p.call('stats')));
          const open = stats.reduce((s, x) => s + x.connected, 0);
          const s = await sample(opts.chatPid, open, pids, inspector);
          steps.push(s);
          log(
            `P1: ${open} sockets open on chat-a (${failed} failed so far): RSS ${(s.rssKb / 1_024).toFixed(0)} MiB` +
              (s.heapUsedKb !== null ? `, heap ${(s.heapUsedKb / 1_024).toFixed(0)} MiB` : ''),
          );
          if (failed > 0 && open < to * cfg.processes * 0.5) {
            log(
              `P1: half the sockets of this step failed, stopping here: ${JSON.stringify(errors)}`,
            );
            break;
          }
        }
      },
    );
    const first = steps[0];
    const last = steps.at(-1);
    const points = steps.filter((s) => s.sockets > 0 || s === first);
    const fit =
      points.length >= 3 ? linearFit(points.map((s) => ({ x: s.sockets, y: s.rssKb }))) : undefined;
    const heapPoints = points.filter((s) => s.heapUsedKb !== null);
    const heapFit =
      heapPoints.length >= 3
        ? linearFit(heapPoints.map((s) => ({ x: s.sockets, y: s.heapUsedKb ?? 0 })))
        : undefined;
    const open = last?.sockets ?? 0;
    const figures: SocketsFigures = {
      target: cfg.target,
      aimed: perProcess * cfg.processes,
      reached: open,
      failed,
      errors,
      nofile: {
        chat: chatLimit,
        generator: generatorLimit,
        nrOpen,
        raised: chatRaised && generatorRaised,
      },
      steps,
      rssPerSocketKb: first && last && open > 0 ? (last.rssKb - first.rssKb) / open : null,
      rssSlopeKb: fit?.slope ?? null,
      rssSlopeR2: fit?.r2 ?? null,
      heapSlopeKb: heapFit?.slope ?? null,
      generatorKbPerSocket:
        first && last && open > 0 ? (last.generatorRssKb - first.generatorRssKb) / open : null,
      connectSeconds: connectMs / 1_000,
      connectsPerSec: connectMs > 0 ? reached / (connectMs / 1_000) : 0,
      cpu,
    };
    log(
      `P1: ${open} sockets on one chat process; RSS ${figures.rssPerSocketKb?.toFixed(2) ?? 'n/a'} KB/socket ` +
        `(slope ${figures.rssSlopeKb?.toFixed(2) ?? 'n/a'} KB, r² ${figures.rssSlopeR2?.toFixed(3) ?? 'n/a'}; JS heap ${figures.heapSlopeKb?.toFixed(2) ?? 'n/a'} KB); ` +
        `${figures.connectsPerSec.toFixed(0)} handshakes/s`,
    );
    return figures;
  } finally {
    inspector?.close();
    await Promise.all(
      processes.map(async (p) => {
        try {
          await p.call('close', undefined, 60_000);
        } catch {
          // gone
        }
        await p.stop();
      }),
    );
  }
}
