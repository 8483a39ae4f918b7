// What every phase shares: the log, CPU accounting around a piece of work, waiting for the
// servers to go quiet between phases, and the reference servers of P7.
import { fork, type ChildProcess } from 'node:child_process';
import { cpuBetween, snapshotCpu, type CpuReport, type ProcessGroup } from '../system/proc.js';

export type Log = (line: string) => void;

export function makeLog(prefix = '[bench]'): Log {
  const t0 = Date.now();
  return (line) => {
    const s = ((Date.now() - t0) / 1_000).toFixed(0).padStart(4);
    process.stdout.write(`${prefix} ${s}s ${line}\n`);
  };
}

/** The generator's own processes: this orchestrator plus whatever it forked for the load. */
export function generatorGroup(pids: number[]): ProcessGroup {
  return { name: 'generator', role: 'generator', pids: [process.pid, ...pids], tree: false };
}

/** Runs `work` and reports the CPU every group spent meanwhile. */
export async function withCpu<T>(
  groups: () => ProcessGroup[],
  work: () => Promise<T>,
): Promise<{ value: T; cpu: CpuReport }> {
  const before = snapshotCpu(groups());
  const value = await work();
  const after = snapshotCpu(groups());
  return { value, cpu: cpuBetween(groups(), before, after) };
}

/**
 * Waits until the servers are idle (below `cores` over a second: the archive's ingest and the
 * outbox have caught up with the last phase), at most `maxMs`. Returns the wait.
 */
export async function settle(
  servers: ProcessGroup[],
  log: Log,
  { cores = 0.15, maxMs = 60_000 } = {},
): Promise<number> {
  const t0 = performance.now();
  let busy = Number.POSITIVE_INFINITY;
  while (performance.now() - t0 < maxMs) {
    const before = snapshotCpu(servers);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    busy = cpuBetween(servers, before, snapshotCpu(servers)).serverCores;
    if (busy < cores) return performance.now() - t0;
  }
  log(`servers still busy (${busy.toFixed(2)} cores) after ${maxMs / 1_000} s; going on`);
  return performance.now() - t0;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ReferenceServers {
  urls: string[];
  pids: number[];
  stop: () => Promise<void>;
}

/** Starts the reference Socket.IO servers (reference/server.ts), one process each. */
export async function startReferenceServers(
  count: number,
  env: { redisUrl: string; authUrl: string; key: string },
): Promise<ReferenceServers> {
  const script = new URL('../reference/server.js', import.meta.url);
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    const ports = await Promise.all(
      Array.from({ length: count }, () => {
        const child = fork(script, [], {
          execArgv: [],
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
          env: {
            PATH: process.env.PATH ?? '',
            PORT: '0',
            REDIS_URL: env.redisUrl,
            REDIS_KEY: env.key,
            AUTH_SERVICE_URL: env.authUrl,
          },
        });
        children.push(child);
        return new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => {
            reject(new Error('reference server: no port within 15 s'));
          }, 15_000);
          child.once('message', (m: unknown) => {
            clearTimeout(timer);
            resolve((m as { port: number }).port);
          });
          child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`reference server exited (${String(code)})`));
          });
        });
      }),
    );
    return {
      urls: ports.map((port) => `http://127.0.0.1:${port}`),
      pids: children.map((c) => c.pid ?? -1),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
