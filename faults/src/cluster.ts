// The local cluster (scripts/cluster) and the local servers (scripts/infra) as the runner drives
// them: start the cluster fresh, kill/pause/start one of its processes, restart a server, and ask
// every process whether it is ready.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, type CommandResult } from './shell.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const clusterProcesses = ['auth', 'archive', 'chat-a', 'chat-b', 'nginx'] as const;
export type ClusterProcess = (typeof clusterProcesses)[number];
export type ChatProcess = 'chat-a' | 'chat-b';
export type ProcessAction = 'kill' | 'stop' | 'cont' | 'term' | 'start' | 'restart';
export type InfraServer = 'postgres' | 'redis' | 'kafka' | 'mongo';

export interface ClusterEnv {
  baseUrl: string;
  urls: Record<ClusterProcess, string>;
  databaseUrl: string;
  mongoUri: string;
}

/** Parses .infra/cluster/cluster.env (KEY=value lines). */
export function parseClusterEnv(text: string): ClusterEnv {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) values.set(match[1], match[2]);
  }
  const need = (key: string) => {
    const value = values.get(key);
    if (!value) throw new Error(`.infra/cluster/cluster.env has no ${key}`);
    return value;
  };
  const urls = Object.fromEntries(
    clusterProcesses.map((p) => [p, need(`${p.toUpperCase().replace('-', '_')}_URL`)]),
  ) as Record<ClusterProcess, string>;
  return {
    baseUrl: need('BASE_URL'),
    urls,
    databaseUrl: need('CLUSTER_DATABASE_URL'),
    mongoUri: need('CLUSTER_MONGO_URI'),
  };
}

async function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

export interface ClusterOptions {
  logFile: string;
  /** Variables for the services (CLUSTER_ENV_<AUTH|CHAT|ARCHIVE>_<VAR>), see scripts/cluster/up.sh. */
  serviceEnv: Record<string, string>;
}

export class Cluster {
  env: ClusterEnv | undefined;

  constructor(private readonly options: ClusterOptions) {}

  private script(path: string, args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv) {
    return runCommand(join(repoRoot, path), args, {
      cwd: repoRoot,
      timeoutMs,
      logFile: this.options.logFile,
      // The runner holds the cluster lock for the whole run (cluster-lock.ts).
      env: { ...(env ?? process.env), CLUSTER_LOCK_HELD: '1' },
    });
  }

  /** Stops any running cluster, starts a fresh one (empty databases) and reads its addresses. */
  async up(): Promise<ClusterEnv> {
    await this.script('scripts/cluster/down.sh', [], 90_000);
    await this.script('scripts/cluster/up.sh', [], 300_000, {
      ...process.env,
      ...this.options.serviceEnv,
    });
    this.env = parseClusterEnv(readFileSync(join(repoRoot, '.infra/cluster/cluster.env'), 'utf8'));
    return this.env;
  }

  async down(): Promise<void> {
    await this.script('scripts/cluster/down.sh', [], 90_000);
  }

  /** scripts/cluster/ctl.sh PROC ACTION (kill, SIGSTOP, SIGCONT, graceful stop, start again). */
  process(proc: ClusterProcess, action: ProcessAction): Promise<CommandResult> {
    return this.script('scripts/cluster/ctl.sh', [proc, action], 180_000);
  }

  /** The pid of a running cluster process (its pid file), for signals sent without a script. */
  pid(proc: ClusterProcess): number {
    const text = readFileSync(join(repoRoot, '.infra/cluster/run', `${proc}.pid`), 'utf8');
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 1) throw new Error(`${proc}: no pid in its pid file`);
    return pid;
  }

  /** The pid of a shared local server (scripts/infra), checked against its command line. */
  serverPid(server: 'mongo'): number {
    const text = readFileSync(join(repoRoot, '.infra/run/ferretdb.pid'), 'utf8');
    const pid = Number(text.trim());
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      // not running
    }
    if (!cmdline.includes('ferretdb')) {
      throw new Error(`${server}: .infra/run/ferretdb.pid does not name a running FerretDB`);
    }
    return pid;
  }

  /** scripts/infra/ctl.sh SERVER ACTION: the shared local servers. */
  server(server: InfraServer, action: 'start' | 'stop' | 'restart'): Promise<CommandResult> {
    return this.script('scripts/infra/ctl.sh', [server, action], 240_000);
  }

  private urls(): Record<ClusterProcess, string> {
    if (!this.env) throw new Error('the cluster is not up');
    return this.env.urls;
  }

  /** Whether PROC answers its readiness URL (nginx: a request routed through it). */
  async ready(proc: ClusterProcess, timeoutMs = 2_000): Promise<boolean> {
    const url =
      proc === 'nginx' ? `${this.urls().nginx}/api/auth/health` : `${this.urls()[proc]}/ready`;
    try {
      return (await httpGet(url, timeoutMs)).status === 200;
    } catch {
      return false;
    }
  }

  /** The processes not ready now (empty: all ready). */
  async notReady(): Promise<ClusterProcess[]> {
    const states = await Promise.all(
      clusterProcesses.map(async (p) => [p, await this.ready(p)] as const),
    );
    return states.filter(([, ok]) => !ok).map(([p]) => p);
  }

  /** A process's Prometheus text (undefined if it does not answer). */
  async metrics(proc: ClusterProcess): Promise<string | undefined> {
    try {
      const { status, body } = await httpGet(`${this.urls()[proc]}/metrics`, 2_000);
      return status === 200 ? body : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The sum of a metric's samples whose labels include `labels` (0 when absent). */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const sample = match[3] ?? '';
    const matches = Object.entries(labels).every(([k, v]) => sample.includes(`${k}="${v}"`));
    if (matches) sum += Number(match[4]);
  }
  return sum;
}
