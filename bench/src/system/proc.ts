// CPU and memory of processes, from /proc: the generator's CPU is read apart from the servers'
// (each process's utime + stime before and after a phase), the machine's from /proc/stat, and
// P1's per-socket memory from a chat process's VmRSS.
//
// A group of processes (Postgres: the postmaster and its backends; nginx: master and workers) is
// counted as Σ(utime + stime) over the live tree plus Σ(cutime + cstime): the CPU of children
// that exited and were reaped is added to their parent's cutime, so a backend that lived and died
// inside the phase is still counted, and never twice.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Clock ticks (CLK_TCK per second). */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  /** Resident pages. */
  rssPages: number;
}

/**
 * Parses /proc/<pid>/stat. The command name is in parentheses and may itself contain spaces and
 * parentheses, so fields are counted from the LAST ')'.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open)
    throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // After ") ": field 3 (state) is rest[0], so field k is rest[k - 3].
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (k: number): number => {
    const value = Number(rest[k - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc/${pid}/stat: field ${k} is not a number`);
    return value;
  };
  return {
    pid,
    comm,
    state: rest[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    rssPages: field(24),
  };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** VmRSS of a process in KiB (from /proc/<pid>/status), undefined when it is gone. */
export function readRssKb(pid: number): number | undefined {
  try {
    return parseStatusKb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  } catch {
    return undefined;
  }
}

export function parseStatusKb(status: string, key: string): number | undefined {
  const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The soft and hard open-file limits of a process, from /proc/<pid>/limits. */
export function parseNofile(limits: string): { soft: number; hard: number } | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  if (!match?.[1] || !match[2]) return undefined;
  const n = (v: string) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: n(match[1]), hard: n(match[2]) };
}

export function readNofile(pid: number | 'self'): { soft: number; hard: number } | undefined {
  try {
    return parseNofile(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process's stat (processes that vanish while listing are skipped). */
export function listProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** The pids of `root` and all its descendants in `all`. */
export function processTree(root: number, all: readonly ProcStat[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of all) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const known = new Set(all.map((p) => p.pid));
  const out: number[] = [];
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop();
    if (pid === undefined || seen.has(pid)) continue;
    seen.add(pid);
    if (known.has(pid)) out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

export const CLK_TCK = (() => {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

/** A named set of processes whose CPU is counted together. */
export interface ProcessGroup {
  name: string;
  role: 'server' | 'generator' | 'reference';
  pids: number[];
  /** Count the descendants too (Postgres backends, nginx workers). */
  tree: boolean;
}

export interface CpuSnapshot {
  at: number;
  /** Clock ticks per group name. */
  ticks: Map<string, number>;
  machine: MachineCpu;
}

/** Ticks of a group right now, from one listing of /proc. */
export function groupTicks(group: ProcessGroup, all: readonly ProcStat[]): number {
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const pids = new Set<number>();
  for (const pid of group.pids) {
    for (const p of group.tree ? processTree(pid, all) : [pid]) pids.add(p);
  }
  let ticks = 0;
  for (const pid of pids) {
    const p = byPid.get(pid);
    if (!p) continue;
    ticks += p.utime + p.stime;
    if (group.tree) ticks += p.cutime + p.cstime;
  }
  return ticks;
}

export function snapshotCpu(groups: readonly ProcessGroup[]): CpuSnapshot {
  const all = listProcesses();
  return {
    at: performance.now(),
    ticks: new Map(groups.map((g) => [g.name, groupTicks(g, all)])),
    machine: readMachineCpu(),
  };
}

export interface GroupCpu {
  name: string;
  role: ProcessGroup['role'];
  /** CPU seconds in the interval. */
  seconds: number;
  /** seconds / wall seconds: 1.0 = one core busy. */
  cores: number;
}

export interface CpuReport {
  wallSeconds: number;
  groups: GroupCpu[];
  /** Sums by role, in cores. */
  serverCores: number;
  generatorCores: number;
  referenceCores: number;
  /** The whole machine (/proc/stat), in cores busy, and what none of the groups accounts for. */
  machineBusyCores: number;
  unaccountedCores: number;
}

export function cpuBetween(
  groups: readonly ProcessGroup[],
  before: CpuSnapshot,
  after: CpuSnapshot,
): CpuReport {
  const wallSeconds = Math.max(1e-3, (after.at - before.at) / 1_000);
  const out: GroupCpu[] = groups.map((g) => {
    const delta = Math.max(0, (after.ticks.get(g.name) ?? 0) - (before.ticks.get(g.name) ?? 0));
    const seconds = delta / CLK_TCK;
    return { name: g.name, role: g.role, seconds, cores: seconds / wallSeconds };
  });
  const sum = (role: ProcessGroup['role']) =>
    out.filter((g) => g.role === role).reduce((s, g) => s + g.cores, 0);
  const busyTicks = after.machine.busy - before.machine.busy;
  const machineBusyCores = busyTicks / CLK_TCK / wallSeconds;
  const accounted = out.reduce((s, g) => s + g.cores, 0);
  return {
    wallSeconds,
    groups: out,
    serverCores: sum('server'),
    generatorCores: sum('generator'),
    referenceCores: sum('reference'),
    machineBusyCores,
    unaccountedCores: Math.max(0, machineBusyCores - accounted),
  };
}

export interface MachineCpu {
  /** Ticks spent on anything but idle and iowait, all CPUs. */
  busy: number;
  total: number;
}

/** The aggregate "cpu" line of /proc/stat. */
export function parseMachineCpu(stat: string): MachineCpu {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate cpu line');
  // user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

export function readMachineCpu(): MachineCpu {
  return parseMachineCpu(readFileSync('/proc/stat', 'utf8'));
}

/** The 1-, 5- and 15-minute load averages. */
export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return [a, b, c];
}
