// P2, P7 and the smoke: rooms of N sockets spread over two Socket.IO processes, every socket
// sending on a fixed schedule, every message owed to the room's other members; figures from the
// merged ledgers and histograms, CPU from /proc.
import { Fleet, type FleetRun } from '../orchestrator/fleet.js';
import { generatorGroup, withCpu, type Log } from '../orchestrator/context.js';
import type { CpuReport, ProcessGroup } from '../system/proc.js';
import type { SigningSpec } from '../worker/protocol.js';

export interface FanoutConfig {
  rooms: number;
  roomSize: number;
  /** Messages per second each socket sends. */
  ratePerSocket: number;
  durationMs: number;
  drainMs: number;
  textBytes: number;
  processes: number;
  ackTimeoutMs: number;
}

export interface FanoutFigures {
  label: string;
  sockets: number;
  rooms: number;
  roomSize: number;
  offeredMessagesPerSec: number;
  offeredDeliveriesPerSec: number;
  run: FleetRun;
  cpu: CpuReport;
}

export function offered(cfg: FanoutConfig): { messages: number; deliveries: number } {
  const messages = cfg.rooms * cfg.roomSize * cfg.ratePerSocket;
  return { messages, deliveries: messages * (cfg.roomSize - 1) };
}

export async function startFanoutFleet(
  name: string,
  cfg: FanoutConfig,
  opts: { targets: string[]; roomsVia?: string; signing: SigningSpec; label: string; log: Log },
): Promise<Fleet> {
  return Fleet.start({
    name,
    processes: cfg.processes,
    rooms: cfg.rooms,
    roomSize: cfg.roomSize,
    targets: opts.targets,
    ...(opts.roomsVia ? { roomsVia: opts.roomsVia } : {}),
    signing: opts.signing,
    label: opts.label,
    log: opts.log,
  });
}

/** One timed run of the open workload on a started fleet. */
export async function runFanout(
  fleet: Fleet,
  cfg: FanoutConfig,
  label: string,
  groups: ProcessGroup[],
  log: Log,
  {
    ratePerSocket = cfg.ratePerSocket,
    startAt = Date.now() + 500,
    durationMs = cfg.durationMs,
  } = {},
): Promise<FanoutFigures> {
  const o = offered({ ...cfg, ratePerSocket });
  log(
    `${label}: ${o.messages.toFixed(0)} messages/s offered (${fleet.sockets} sockets × ${ratePerSocket}/s, rooms of ${cfg.roomSize} → ${o.deliveries.toFixed(0)} deliveries/s) for ${durationMs / 1_000} s`,
  );
  const { value: run, cpu } = await withCpu(
    () => [...groups, generatorGroup(fleet.pids)],
    () =>
      fleet.run(
        {
          mode: 'open',
          ratePerSocket,
          // One second of this process's offered load (at least 100) may be unanswered at once.
          maxInFlight: Math.max(
            100,
            Math.ceil((ratePerSocket * fleet.sockets) / fleet.processes.length),
          ),
          durationMs,
          drainMs: cfg.drainMs,
          textBytes: cfg.textBytes,
          ackTimeoutMs: cfg.ackTimeoutMs,
        },
        label,
        startAt,
      ),
  );
  const figures: FanoutFigures = {
    label,
    sockets: fleet.sockets,
    rooms: cfg.rooms,
    roomSize: cfg.roomSize,
    offeredMessagesPerSec: o.messages,
    offeredDeliveriesPerSec: o.deliveries,
    run,
    cpu,
  };
  log(describeFanout(figures));
  return figures;
}

const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(v < 10 ? 2 : 0)} ms`);

export function describeFanout(f: FanoutFigures): string {
  const { run, cpu } = f;
  const errors = Object.entries(run.errors)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return (
    `${f.label}: ${run.acksPerSec.toFixed(0)} msg/s acked, ${run.deliveriesPerSec.toFixed(0)} deliveries/s; ` +
    `delivery p50 ${ms(run.delivery.p50)} p99 ${ms(run.delivery.p99)} max ${ms(run.delivery.max)}; ` +
    `ack p50 ${ms(run.ack.p50)} p99 ${ms(run.ack.p99)}; lost ${run.counts.lost} of ${run.counts.expected}` +
    (run.counts.failed ? `, ${run.counts.failed} sends failed (${errors})` : '') +
    (run.counts.pending ? `, ${run.counts.pending} unanswered` : '') +
    (run.skipped
      ? `, ${run.skipped} not sent (generator's in-flight bound: server saturated)`
      : '') +
    (run.disconnects ? `, ${run.disconnects} disconnects` : '') +
    (run.misrouted ? `, ${run.misrouted} MISROUTED` : '') +
    `; CPU servers ${cpu.serverCores.toFixed(2)} + reference ${cpu.referenceCores.toFixed(2)}, generator ${cpu.generatorCores.toFixed(2)}, machine ${cpu.machineBusyCores.toFixed(2)} of 2 cores; generator lag p99 ${ms(run.lag.p99)}`
  );
}
