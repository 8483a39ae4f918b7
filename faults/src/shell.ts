// Runs the repository's scripts (scripts/cluster, scripts/infra) with a deadline. Their output is
// appended to the run log; a failure carries the command, its exit and its last lines.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export interface CommandResult {
  output: string;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Appends the command line and its output here. */
  logFile?: string;
}

const keep = 64 * 1024;

function tail(text: string, lines = 25): string {
  return text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((l) => `    | ${l}`)
    .join('\n');
}

/** Runs `command args…`; resolves with its output, rejects on a non-zero exit or the deadline. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<CommandResult> {
  const started = Date.now();
  const line = [command, ...args].join(' ');
  if (options.logFile) appendFileSync(options.logFile, `\n$ ${line}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-keep);
      if (options.logFile) appendFileSync(options.logFile, text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new CommandError(`${line}: could not run: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      if (timedOut) {
        reject(
          new CommandError(`${line}: no result within ${options.timeoutMs} ms\n${tail(output)}`),
        );
      } else if (code !== 0) {
        reject(
          new CommandError(
            `${line}: exited with ${code ?? `signal ${signal ?? '?'}`} after ${ms} ms\n${tail(output)}`,
          ),
        );
      } else {
        resolve({ output, ms });
      }
    });
  });
}
