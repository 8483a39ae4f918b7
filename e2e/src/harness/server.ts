// Runs the standalone platform (services/standalone/dist/main.js, as `npm start` does once built)
// as a child process on a free loopback port with a fresh DATA_DIR, and stops it with SIGTERM.
// Missing builds fail loudly: a browser test that skips would report green without testing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RunningServer {
  url: string;
  dataDir: string;
  /** The server's recent output, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** Throws with what to run when the server or the web app is not built. */
export function assertBuilt(): { main: string } {
  const main = join(repoRoot, 'services/standalone/dist/main.js');
  const web = join(resolve(repoRoot, process.env.WEB_DIST ?? 'web/dist'), 'index.html');
  const missing: string[] = [];
  if (!existsSync(main)) missing.push(`${main} (run: npm run build)`);
  if (!existsSync(web)) missing.push(`${web} (run: npm run build -w @falablau/web)`);
  if (missing.length > 0) {
    throw new Error(`e2e: the platform is not built; missing:\n  ${missing.join('\n  ')}`);
  }
  return { main };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolvePort(port);
      });
    });
  });
}

const sleep = (ms: number) =>
  new Promise<void>((done) => {
    setTimeout(done, ms);
  });

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => {
      done();
    });
  });
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { main } = assertBuilt();
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const dataDir = await mkdtemp(join(tmpdir(), 'falablau-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const output = () => log;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
      }, 20_000);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `e2e: the standalone server exited (${String(child.exitCode ?? child.signalCode)}) before it was ready:\n${log}`,
      );
    }
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return { url, dataDir, output, stop };
      last = `/ready answered ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  await stop();
  throw new Error(
    `e2e: the standalone server was not ready within ${readyTimeoutMs} ms (${last}):\n${log}`,
  );
}
