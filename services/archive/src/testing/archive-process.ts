// Real archive-service processes for the crash test and the measurement script: `node
// dist/main.js` with an environment built here (nothing inherited), on a free port, ready when
// GET /ready answers 200 (which, with ingest on, means it has joined its consumer group).
// SIGKILL is a crash: no goodbye, no commit, no cleanup.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** services/archive, from src/testing (jest) and dist/bench/src/testing (scripts) alike. */
function serviceDir(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'src', 'main.ts'))) {
    const parent = join(dir, '..');
    if (parent === dir) throw new Error('Cannot find services/archive');
    dir = parent;
  }
  return dir;
}

const buildHint = 'Run `npm run build -w @falablau/archive` first.';

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** The built entry point; fails loudly when it is missing or older than the sources. */
export function archiveEntryPoint(): string {
  const dir = serviceDir();
  const entry = join(dir, 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: this test runs the built service. ${buildHint}`);
  }
  if (newestSourceMtime(join(dir, 'src')) > statSync(entry).mtimeMs) {
    throw new Error(`${entry} is older than services/archive/src. ${buildHint}`);
  }
  return entry;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export interface ArchiveProcess {
  url: string;
  pid: number;
  /** A crash: SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  /** A graceful stop: SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Recent stdout and stderr, for failure messages. */
  output(): string;
  readonly exited: boolean;
}

export interface StartArchiveProcessOptions {
  /** The complete environment except PORT and HOST. */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

const keptLines = 300;

export async function startArchiveProcess({
  env,
  readyTimeoutMs = 60_000,
}: StartArchiveProcessOptions): Promise<ArchiveProcess> {
  const entry = archiveEntryPoint();
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: serviceDir(),
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > keptLines) lines.splice(0, lines.length - keptLines);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  const output = (): string => lines.join('\n');
  const url = `http://127.0.0.1:${String(port)}`;

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`archive process exited (${String(exitCode)}) while starting:\n${output()}`);
    }
    const ready = await fetch(`${url}/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`archive process not ready after ${String(readyTimeoutMs)} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    pid: child.pid ?? -1,
    get exited() {
      return exitCode !== undefined;
    },
    output,
    kill: async () => {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exit;
    },
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exit;
    },
  };
}

/** A counter of the process's /metrics, summed over the label sets that match `labels`. */
export async function scrapeCounter(
  url: string,
  name: string,
  labels: string[] = [],
): Promise<number> {
  const body = await fetch(`${url}/metrics`).then((res) => res.text());
  let total = 0;
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels.every((label) => line.includes(label))) total += Number(line.split(' ').at(-1));
  }
  return total;
}
