// The IPC of a one-shot generator process (logins, Kafka producer): the orchestrator sends its
// parameters once, the process answers once with {result} or {error} and exits. Its CPU is
// read from /proc like every other generator process's.
import { fork } from 'node:child_process';

/** Serves one request; `run` gets the parameters exactly as the orchestrator sent them. */
export function serveOnce(run: (params: never) => Promise<unknown>): void {
  process.once('message', (params: unknown) => {
    run(params as never).then(
      (result) => {
        process.send?.({ result }, () => process.exit(0));
      },
      (error: unknown) => {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.send?.({ error: message }, () => process.exit(1));
      },
    );
  });
  process.on('disconnect', () => process.exit(0));
}

export interface OneShot<R> {
  pid: number;
  result: Promise<R>;
  kill: () => void;
}

export function startOnce<R>(script: URL, params: object, timeoutMs: number): OneShot<R> {
  const child = fork(script, [], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const result = new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script.pathname}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', (raw: unknown) => {
      clearTimeout(timer);
      const reply = raw as { result?: R; error?: string };
      if (reply.error !== undefined) reject(new Error(reply.error));
      else resolve(reply.result as R);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script.pathname} exited (${signal ?? String(code)}) without an answer`));
    });
  });
  child.send(params);
  return {
    pid: child.pid ?? -1,
    result,
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}
