// The machine the figures come from, and what else ran on it meanwhile (processes that are
// neither the servers nor the generator, by CPU seconds over the run).
import { readFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { CLK_TCK, listProcesses, loadAverage, processTree } from '../system/proc.js';

export interface MachineInfo {
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  kernel: string;
  node: string;
  loadAverageBefore: [number, number, number];
  loadAverageAfter?: [number, number, number];
  /** Other processes by CPU during the run (not servers, not the generator). */
  others?: { pid: number; command: string; cpuSeconds: number }[];
  othersCpuSeconds?: number;
}

export function machineInfo(): MachineInfo {
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: availableParallelism(),
    memoryGiB: Math.round((memKb / 1_048_576) * 10) / 10,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    kernel: release(),
    node: process.version,
    loadAverageBefore: loadAverage(),
  };
}

function command(pid: number): string {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return text.length > 120 ? `${text.slice(0, 119)}…` : text;
  } catch {
    return '?';
  }
}

/** CPU of every process at a moment, to find the others afterwards. */
export function processCpu(): Map<number, number> {
  return new Map(listProcesses().map((p) => [p.pid, p.utime + p.stime]));
}

/**
 * What ran besides us: CPU seconds since `before` of processes outside `ourRoots` (and their
 * trees) and not in `ourPids`, the largest first.
 */
export function otherProcesses(
  before: Map<number, number>,
  ourRoots: number[],
  ourPids: Set<number>,
): { list: { pid: number; command: string; cpuSeconds: number }[]; total: number } {
  const all = listProcesses();
  const ours = new Set(ourPids);
  for (const root of ourRoots) for (const pid of processTree(root, all)) ours.add(pid);
  ours.add(process.pid);
  const list = all
    .filter((p) => !ours.has(p.pid))
    .map((p) => ({
      pid: p.pid,
      command: command(p.pid),
      cpuSeconds: (p.utime + p.stime - (before.get(p.pid) ?? 0)) / CLK_TCK,
    }))
    .filter((p) => p.cpuSeconds >= 0.5)
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
  return { list: list.slice(0, 8), total: list.reduce((s, p) => s + p.cpuSeconds, 0) };
}
