// A fleet of generator processes running one socket workload together: rooms are dealt out
// whole to the processes (so each room's ledger and clock are in one process), sockets are
// minted, connected and joined, then every process runs the same schedule from the same start
// time, and the results are merged into one set of figures.
import { Histogram, type LatencySummary } from '../stats/histogram.js';
import { addCounts, emptyCounts, type LedgerCounts } from '../stats/ledger.js';
import type {
  ConnectResult,
  RunParams,
  RunResult,
  RunSpec,
  SigningSpec,
  SocketSpec,
  WorkerProgress,
} from '../worker/protocol.js';
import { GeneratorProcess } from './workers.js';

export interface FleetSpec {
  name: string;
  processes: number;
  rooms: number;
  roomSize: number;
  /** Socket.IO servers; member m of a room connects to targets[m % targets.length]. */
  targets: string[];
  /** chat-service to create the rooms on; absent for the reference server. */
  roomsVia?: string;
  signing: SigningSpec;
  label: string;
  connectConcurrency?: number;
  log: (line: string) => void;
}

export interface FleetRun {
  counts: LedgerCounts;
  delivery: LatencySummary;
  ack: LatencySummary;
  lag: LatencySummary;
  windowMs: number;
  /** Per second inside the load window. */
  sendsPerSec: number;
  acksPerSec: number;
  deliveriesPerSec: number;
  perSecond: { sends: number[]; acks: number[]; deliveries: number[] };
  errors: Record<string, number>;
  /** Sends the generator held back: its in-flight bound was reached (the server saturated). */
  skipped: number;
  disconnects: number;
  misrouted: number;
  unknownFrames: number;
  settled: boolean;
  drainMs: number;
}

function mergeRecords(into: Record<string, number>, from: Record<string, number>) {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function addSeries(into: number[], from: number[]) {
  from.forEach((v, i) => {
    into[i] = (into[i] ?? 0) + v;
  });
}

export class Fleet {
  private constructor(
    readonly spec: FleetSpec,
    readonly processes: GeneratorProcess[],
    readonly roomIds: string[],
    readonly sockets: number,
  ) {}

  get pids(): number[] {
    return this.processes.map((p) => p.pid);
  }

  /** Starts the processes, mints, creates rooms, connects and joins; logs progress. */
  static async start(spec: FleetSpec): Promise<Fleet> {
    const { log } = spec;
    const progress = new Map<number, WorkerProgress>();
    const processes = Array.from(
      { length: spec.processes },
      (_, i) =>
        new GeneratorProcess(i, (note) => {
          progress.set(note.workerId, note);
        }),
    );
    const fleet = new Fleet(spec, processes, [], spec.rooms * spec.roomSize);
    try {
      const t0 = performance.now();
      const setups = await Promise.all(
        processes.map((p, i) => {
          const rooms =
            Math.floor(spec.rooms / spec.processes) + (i < spec.rooms % spec.processes ? 1 : 0);
          const sockets: SocketSpec[] = [];
          for (let room = 0; room < rooms; room++) {
            for (let member = 0; member < spec.roomSize; member++) {
              sockets.push({ target: member % spec.targets.length, room, member });
            }
          }
          return p.call('setup', {
            workerId: i,
            label: spec.label,
            targets: spec.targets,
            signing: spec.signing,
            rooms,
            ...(spec.roomsVia ? { roomsVia: spec.roomsVia } : {}),
            sockets,
            connectConcurrency: spec.connectConcurrency ?? 50,
            connectTimeoutMs: 20_000,
          });
        }),
      );
      fleet.roomIds.push(...setups.flatMap((s) => s.roomIds));
      log(
        `${spec.name}: ${fleet.sockets} users minted, ${spec.rooms} rooms ready in ${((performance.now() - t0) / 1_000).toFixed(1)} s (${spec.processes} generator processes)`,
      );
      const t1 = performance.now();
      const ticker = setInterval(() => {
        const connected = [...progress.values()].reduce((s, n) => s + (n.connected ?? 0), 0);
        log(`${spec.name}: connecting… ${connected}/${fleet.sockets}`);
      }, 5_000);
      let connects: ConnectResult[];
      try {
        connects = await Promise.all(
          processes.map((p) => p.call('connect', { from: 0, to: Number.MAX_SAFE_INTEGER })),
        );
      } finally {
        clearInterval(ticker);
      }
      const connected = connects.reduce((s, c) => s + c.connected, 0);
      const failed = connects.reduce((s, c) => s + c.failed, 0);
      const errors: Record<string, number> = {};
      for (const c of connects) mergeRecords(errors, c.errors);
      log(
        `${spec.name}: ${connected} sockets connected in ${((performance.now() - t1) / 1_000).toFixed(1)} s` +
          (failed > 0 ? `, ${failed} FAILED: ${JSON.stringify(errors)}` : ''),
      );
      if (connected === 0)
        throw new Error(`${spec.name}: no socket connected: ${JSON.stringify(errors)}`);
      const joins = await Promise.all(processes.map((p) => p.call('join')));
      const joined = joins.reduce((s, j) => s + j.joined, 0);
      const joinFailed = joins.reduce((s, j) => s + j.failed, 0);
      const joinErrors: Record<string, number> = {};
      for (const j of joins) mergeRecords(joinErrors, j.errors);
      log(
        `${spec.name}: ${joined} sockets joined their rooms` +
          (joinFailed > 0 ? `, ${joinFailed} FAILED: ${JSON.stringify(joinErrors)}` : ''),
      );
      if (joined === 0)
        throw new Error(`${spec.name}: no socket joined: ${JSON.stringify(joinErrors)}`);
      return fleet;
    } catch (error) {
      await fleet.stop();
      throw error;
    }
  }

  /** Runs the schedule on every process from one start time and merges the figures. */
  async run(params: RunSpec, label: string, startAt = Date.now() + 500): Promise<FleetRun> {
    const { log } = this.spec;
    const progress = new Map<number, WorkerProgress>();
    // Progress notes arrive on the processes' own handlers; poll their stats for the log line.
    const ticker = setInterval(() => {
      void Promise.all(this.processes.map((p) => p.call('stats'))).then((stats) => {
        const closed = stats.reduce((s, x) => s + x.closed, 0);
        log(
          `${label}: running… ${((Date.now() - startAt) / 1_000).toFixed(0)} s${closed ? `, ${closed} sockets closed` : ''}`,
        );
      });
    }, 10_000);
    let results: RunResult[];
    try {
      results = await Promise.all(
        this.processes.map((p) =>
          p.call(
            'run',
            { ...params, startAt } satisfies RunParams,
            params.durationMs + params.drainMs + params.ackTimeoutMs + 30_000,
          ),
        ),
      );
    } finally {
      clearInterval(ticker);
      progress.clear();
    }
    const delivery = new Histogram();
    const ack = new Histogram();
    const lag = new Histogram();
    let counts = emptyCounts();
    const errors: Record<string, number> = {};
    const perSecond = { sends: [] as number[], acks: [] as number[], deliveries: [] as number[] };
    let sends = 0;
    let acks = 0;
    let deliveries = 0;
    for (const r of results) {
      delivery.merge(r.delivery);
      ack.merge(r.ack);
      lag.merge(r.lag);
      counts = addCounts(counts, r.counts);
      mergeRecords(errors, r.errors);
      addSeries(perSecond.sends, r.perSecond.sends);
      addSeries(perSecond.acks, r.perSecond.acks);
      addSeries(perSecond.deliveries, r.perSecond.deliveries);
      sends += r.window.sends;
      acks += r.window.acks;
      deliveries += r.window.deliveries;
    }
    const seconds = params.durationMs / 1_000;
    return {
      counts,
      delivery: delivery.summary(),
      ack: ack.summary(),
      lag: lag.summary(),
      windowMs: params.durationMs,
      sendsPerSec: sends / seconds,
      acksPerSec: acks / seconds,
      deliveriesPerSec: deliveries / seconds,
      perSecond,
      errors,
      skipped: results.reduce((s, r) => s + r.skipped, 0),
      disconnects: results.reduce((s, r) => s + r.disconnects, 0),
      misrouted: results.reduce((s, r) => s + r.misrouted, 0),
      unknownFrames: results.reduce((s, r) => s + r.unknownFrames, 0),
      settled: results.every((r) => r.settled),
      drainMs: Math.max(...results.map((r) => r.drainMs)),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(async (p) => {
        try {
          await p.call('close', undefined, 30_000);
        } catch {
          // gone already
        }
        await p.stop();
      }),
    );
  }
}
