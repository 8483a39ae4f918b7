// P3: how many messages ONE chat process stores and acknowledges per second. Every socket is on
// chat-a, alone in its room (no fan-out beyond the Redis publish every broadcast makes), and keeps
// `window` sends in flight: a closed loop, so the figure is the most it acknowledges, and the
// latency is what that costs. An ack means the transaction that assigned the seq committed.
import { Fleet, type FleetRun } from '../orchestrator/fleet.js';
import { generatorGroup, settle, withCpu, type Log } from '../orchestrator/context.js';
import { profileWhile, type ProfileFigures } from './profile.js';
import type { CpuReport, ProcessGroup } from '../system/proc.js';
import type { SigningSpec } from '../worker/protocol.js';

export interface PersistConfig {
  sockets: number;
  window: number;
  durationMs: number;
  processes: number;
  textBytes: number;
  ackTimeoutMs: number;
}

export interface PersistFigures {
  sockets: number;
  window: number;
  run: FleetRun;
  cpu: CpuReport;
  /** A second, shorter run with chat-a's CPU profiler on (its figures are not counted). */
  profile?: ProfileFigures | { error: string };
}

export async function runPersist(
  cfg: PersistConfig,
  opts: {
    chatUrl: string;
    signing: SigningSpec;
    label: string;
    groups: ProcessGroup[];
    log: Log;
    profile?: { pid: number; ms: number };
  },
): Promise<PersistFigures> {
  const { log } = opts;
  const fleet = await Fleet.start({
    name: 'P3',
    processes: cfg.processes,
    rooms: cfg.sockets,
    roomSize: 1,
    targets: [opts.chatUrl],
    roomsVia: opts.chatUrl,
    signing: opts.signing,
    label: opts.label,
    log,
  });
  try {
    log(
      `P3: ${cfg.sockets} sockets on chat-a, ${cfg.window} sends in flight each, ${cfg.durationMs / 1_000} s`,
    );
    const { value: run, cpu } = await withCpu(
      () => [...opts.groups, generatorGroup(fleet.pids)],
      () =>
        fleet.run(
          {
            mode: 'closed',
            window: cfg.window,
            durationMs: cfg.durationMs,
            drainMs: 5_000,
            textBytes: cfg.textBytes,
            ackTimeoutMs: cfg.ackTimeoutMs,
          },
          'P3',
        ),
    );
    const chatA = cpu.groups.find((g) => g.name === 'chat-a')?.cores ?? 0;
    const postgres = cpu.groups.find((g) => g.name === 'postgres')?.cores ?? 0;
    log(
      `P3: ${run.acksPerSec.toFixed(0)} messages/s stored and acknowledged; ack p50 ${run.ack.p50 ?? 'n/a'} ms, p99 ${run.ack.p99 ?? 'n/a'} ms; ` +
        `${run.counts.failed} failed; CPU chat-a ${chatA.toFixed(2)}, postgres ${postgres.toFixed(2)}, all servers ${cpu.serverCores.toFixed(2)}, generator ${cpu.generatorCores.toFixed(2)} cores`,
    );
    const figures: PersistFigures = { sockets: cfg.sockets, window: cfg.window, run, cpu };
    const { profile } = opts;
    if (profile) {
      await settle(opts.groups, log);
      const profiled = await profileWhile(
        'p3-chat-a',
        profile.pid,
        profile.ms,
        () =>
          fleet.run(
            {
              mode: 'closed',
              window: cfg.window,
              durationMs: profile.ms,
              drainMs: 5_000,
              textBytes: cfg.textBytes,
              ackTimeoutMs: cfg.ackTimeoutMs,
            },
            'P3 (profiled, not counted)',
          ),
        log,
      );
      log(`P3 (profiled, not counted): ${profiled.value.acksPerSec.toFixed(0)} messages/s`);
      figures.profile = profiled.profile;
    }
    return figures;
  } finally {
    await fleet.stop();
  }
}
