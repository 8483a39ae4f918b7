// Real chat-service processes for the cluster tests and the latency script: `node dist/main.js`
// with an environment built here (nothing inherited), each on its own free port, ready when
// GET /ready answers 200. Killing one with SIGKILL is a crash: no goodbye, no cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** services/chat, from src/testing (jest) and from dist/testing (scripts) alike. */
const serviceDir = fileURLToPath(new URL('../../', import.meta.url));
export const chatEntryPoint = join(serviceDir, 'dist', 'main.js');

const buildHint = 'Run `npm run build -w @falablau/chat` (or `make build`) first.';

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

/** Fails loudly when the build is missing or older than the sources it would be testing. */
export function assertChatBuilt(): void {
  if (!existsSync(chatEntryPoint)) {
    throw new Error(
      `${chatEntryPoint} is missing: these tests run the built service. ${buildHint}`,
    );
  }
  const source = join(serviceDir, 'src');
  if (existsSync(source) && newestSourceMtime(source) > statSync(chatEntryPoint).mtimeMs) {
    throw new Error(`${chatEntryPoint} is older than services/chat/src. ${buildHint}`);
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export interface ChatProcess {
  instanceId: string;
  url: string;
  port: number;
  pid: number;
  /** A crash: SIGKILL, resolves when the process is gone. */
  kill(): Promise<void>;
  /** A graceful stop: SIGTERM, resolves with the exit code. */
  stop(): Promise<number | null>;
  /** The process's recent stdout and stderr, for failure messages. */
  output(): string;
  readonly exited: boolean;
}

export interface StartChatProcessOptions {
  instanceId: string;
  /** The complete environment except PORT, HOST and INSTANCE_ID. */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

const keptLines = 300;

export async function startChatProcess({
  instanceId,
  env,
  readyTimeoutMs,
}: StartChatProcessOptions): Promise<ChatProcess> {
  assertChatBuilt();
  return startServiceProcess({
    instanceId,
    entryPoint: chatEntryPoint,
    env: { ...env, INSTANCE_ID: instanceId },
    ...(readyTimeoutMs === undefined ? {} : { readyTimeoutMs }),
  });
}

export interface StartServiceProcessOptions {
  /** Names the process in errors (and is its instance id for chat). */
  instanceId: string;
  /** The built entry file of a FalaBLAU service (`services/<name>/dist/main.js`). */
  entryPoint: string;
  /** The complete environment except PORT and HOST. */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

/**
 * Any FalaBLAU service as a real process on a free port, ready when GET /ready answers 200 (the
 * end-to-end tests also run auth-service this way).
 */
export async function startServiceProcess({
  instanceId,
  entryPoint,
  env,
  readyTimeoutMs = 30_000,
}: StartServiceProcessOptions): Promise<ChatProcess> {
  if (!existsSync(entryPoint))
    throw new Error(`${entryPoint} is missing: run \`make build\` first.`);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [entryPoint], {
    cwd: join(dirname(entryPoint), '..'),
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > keptLines) lines.splice(0, lines.length - keptLines);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  const output = (): string => lines.join('\n');
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`process ${instanceId} exited (${exitCode}) while starting:\n${output()}`);
    }
    const ready = await fetch(`${url}/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`process ${instanceId} not ready after ${readyTimeoutMs} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const pid = child.pid ?? -1;
  return {
    instanceId,
    url,
    port,
    pid,
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
