// Real FalaBLAU service processes for tests and measurement scripts: `node dist/main.js` with an
// environment built by the caller (nothing inherited), on a free loopback port, ready when
// GET /ready answers 200. `kill()` is a crash (SIGKILL: no goodbye, no commit, no cleanup);
// `stop()` is a graceful SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

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

/**
 * The built entry point (`<serviceDir>/dist/main.js`); fails loudly when it is missing or older
 * than the service's sources, so a test never exercises a stale build.
 */
export function builtEntryPoint(serviceDir: string, workspace: string): string {
  const entry = join(serviceDir, 'dist', 'main.js');
  const hint = `Run \`npm run build -w ${workspace}\` (or \`make build\`) first.`;
  if (!existsSync(entry))
    throw new Error(`${entry} is missing: this runs the built service. ${hint}`);
  const source = join(serviceDir, 'src');
  if (existsSync(source) && newestSourceMtime(source) > statSync(entry).mtimeMs) {
    throw new Error(`${entry} is older than ${source}. ${hint}`);
  }
  return entry;
}

export interface ServiceProcess {
  /** Names the process in errors. */
  name: string;
  url: string;
  port: number;
  pid: number;
  /** A crash: SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  /** A graceful stop: SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Recent stdout and stderr, for failure messages. */
  output(): string;
  readonly exited: boolean;
}

export interface StartServiceProcessOptions {
  name: string;
  /** The built entry file (see builtEntryPoint). */
  entryPoint: string;
  /** Working directory; defaults to the service folder (two levels above dist/main.js). */
  cwd?: string;
  /** The complete environment except PORT and HOST. */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

const keptLines = 300;

export async function startServiceProcess({
  name,
  entryPoint,
  cwd = join(entryPoint, '..', '..'),
  env,
  readyTimeoutMs = 30_000,
}: StartServiceProcessOptions): Promise<ServiceProcess> {
  if (!existsSync(entryPoint))
    throw new Error(`${entryPoint} is missing: run \`make build\` first.`);
  const port = await freePort();
  const child = spawn(process.execPath, [entryPoint], {
    cwd,
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
      throw new Error(`process ${name} exited (${String(exitCode)}) while starting:\n${output()}`);
    }
    const ready = await fetch(`${url}/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`process ${name} not ready after ${String(readyTimeoutMs)} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    name,
    url,
    port,
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
