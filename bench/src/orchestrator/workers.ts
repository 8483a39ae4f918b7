// The orchestrator's side of the generator processes: fork them (each its own process, so its
// CPU is read apart from everything else), call their methods, hear their progress.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  WorkerMethod,
  WorkerMethods,
  WorkerProgress,
  WorkerReply,
  WorkerRequest,
} from '../worker/protocol.js';

const workerScript = fileURLToPath(new URL('../worker/socket-worker.js', import.meta.url));

type Params<M extends WorkerMethod> = Parameters<WorkerMethods[M]>[0];
type Result<M extends WorkerMethod> = ReturnType<WorkerMethods[M]>;

export class GeneratorProcess {
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private exited: string | undefined;
  readonly child: ChildProcess;

  constructor(
    readonly workerId: number,
    onProgress: (note: WorkerProgress) => void,
    options: { heapMb?: number } = {},
  ) {
    const execArgv = options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : [];
    this.child = fork(workerScript, [], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    this.child.on('message', (raw: unknown) => {
      const reply = raw as WorkerReply;
      if ('progress' in reply) {
        onProgress(reply.progress);
        return;
      }
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if ('error' in reply) waiter.reject(new Error(`generator ${workerId}: ${reply.error}`));
      else waiter.resolve(reply.result);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `generator ${workerId} exited (${signal ?? `code ${String(code)}`})`;
      for (const waiter of this.waiting.values()) waiter.reject(new Error(this.exited));
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  call<M extends WorkerMethod>(
    method: M,
    params?: Params<M>,
    timeoutMs = 600_000,
  ): Promise<Result<M>> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId;
    this.nextId += 1;
    return new Promise<Result<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          new Error(`generator ${this.workerId}: ${method} did not answer within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Result<M>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const request: WorkerRequest = { id, method, params };
      this.child.send(request);
    });
  }

  /** Ends the process: IPC disconnect (it exits at once), SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) =>
      this.child.once('exit', () => {
        resolve();
      }),
    );
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}
