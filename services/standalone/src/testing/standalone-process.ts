// Tests only: the built standalone server (`node dist/main.js`) as a real process, as `npm start`
// runs it, on port 0; ready when its banner names the URL. Also runs the built create-admin CLI.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
export const entryPoint = join(packageDir, 'dist', 'main.js');
export const createAdminEntryPoint = join(packageDir, 'dist', 'cli', 'create-admin.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** These tests run the build: fail loudly when it is missing or older than the sources. */
export function assertBuilt(): void {
  const hint = 'Run `npm run build -w @falablau/standalone` first.';
  if (!existsSync(entryPoint)) throw new Error(`${entryPoint} is missing. ${hint}`);
  if (newestSource(join(packageDir, 'src')) > statSync(entryPoint).mtimeMs) {
    throw new Error(`${entryPoint} is older than its sources. ${hint}`);
  }
}

export interface StandaloneProcess {
  url: string;
  pid: number;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM (or `signal`); resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface RunResult {
  code: number | null;
  output: string;
}

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exit, output: () => output };
}

/** Starts the server; resolves when it printed its URL, rejects if it exits first. */
export async function startStandaloneProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<StandaloneProcess> {
  assertBuilt();
  const { child, exit, output } = run([entryPoint], { PORT: '0', HOST: '127.0.0.1', ...env });
  let exited: number | null | undefined;
  void exit.then((code) => (exited = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = /FalaBLAU is running at (\S+)/.exec(output())?.[1];
    if (url) {
      return {
        url: url.replace('localhost', '127.0.0.1'),
        pid: child.pid ?? -1,
        output,
        stop: async (signal = 'SIGTERM') => {
          if (exited === undefined) child.kill(signal);
          return exit;
        },
      };
    }
    if (exited !== undefined) throw new Error(`exited (${exited}) while starting:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`no banner after ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs a process to its end: the server expected to refuse, or the create-admin CLI. */
export async function runToEnd(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<RunResult> {
  assertBuilt();
  const { child, exit, output } = run(args, env);
  child.stdin.end(stdin ?? '');
  const code = await exit;
  return { code, output: output() };
}
