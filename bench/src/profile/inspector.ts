// Profiling a running service without restarting it: SIGUSR1 makes a Node process open its
// inspector on 127.0.0.1:9229 (Node's default; nothing listens beyond loopback), and the Chrome
// DevTools Protocol over a WebSocket then starts and stops the CPU profiler (what `--cpu-prof`
// records, for just the window we choose), forces a GC, reads process.memoryUsage() and takes heap
// snapshots.
// The inspector stays open until the process ends (closing it from inside a session would wait
// for that very session); the benchmark's cluster is stopped at the end of the run.
import WebSocket from 'ws';
import type { HeapSnapshot } from './heap.js';
import type { CpuProfile } from './summarize.js';

const INSPECTOR_PORT = 9229;

export class InspectorSession {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    (reply: { result?: unknown; error?: { message: string } }) => void
  >();

  /** Chunks of the heap snapshot being taken (HeapProfiler.addHeapSnapshotChunk events). */
  private snapshotChunks: string[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString()) as {
        id?: number;
        method?: string;
        params?: { chunk?: string };
        result?: unknown;
        error?: { message: string };
      };
      if (reply.method === 'HeapProfiler.addHeapSnapshotChunk') {
        this.snapshotChunks.push(reply.params?.chunk ?? '');
        return;
      }
      if (reply.id === undefined) return;
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  /** Opens (SIGUSR1) and attaches to the inspector of `pid`; checks it is that process's. */
  static async attach(pid: number, timeoutMs = 5_000): Promise<InspectorSession> {
    process.kill(pid, 'SIGUSR1');
    const deadline = Date.now() + timeoutMs;
    let lastError = 'no answer';
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json/list`, {
          signal: AbortSignal.timeout(1_000),
        });
        const targets = (await response.json()) as { webSocketDebuggerUrl?: string }[];
        const url = targets[0]?.webSocketDebuggerUrl;
        if (url) {
          const ws = new WebSocket(url, { perMessageDeflate: false });
          await new Promise<void>((resolve, reject) => {
            ws.once('open', () => {
              resolve();
            });
            ws.once('error', reject);
          });
          const session = new InspectorSession(ws);
          const remotePid = await session.evaluate<number>('process.pid');
          if (remotePid !== pid) {
            session.close();
            throw new Error(
              `127.0.0.1:${INSPECTOR_PORT} is the inspector of pid ${remotePid}, not ${pid}`,
            );
          }
          return session;
        }
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        if (lastError.includes('is the inspector of')) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no inspector for pid ${pid} on 127.0.0.1:${INSPECTOR_PORT}: ${lastError}`);
  }

  send<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId;
    this.nextId += 1;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`inspector: ${method} timed out`));
      }, timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(`inspector: ${method}: ${reply.error.message}`));
        else resolve(reply.result as T);
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async evaluate<T>(expression: string): Promise<T> {
    const reply = await this.send<{ result: { value: T } }>('Runtime.evaluate', {
      expression,
      returnByValue: true,
    });
    return reply.result.value;
  }

  /** A CPU profile of the next `ms` milliseconds, sampled every `intervalUs`. */
  async cpuProfile(ms: number, intervalUs = 1_000): Promise<CpuProfile> {
    await this.send('Profiler.enable');
    await this.send('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.send('Profiler.start');
    await new Promise((resolve) => setTimeout(resolve, ms));
    const { profile } = await this.send<{ profile: CpuProfile }>('Profiler.stop');
    await this.send('Profiler.disable');
    return profile;
  }

  /** process.memoryUsage() after a full garbage collection. */
  async memoryAfterGc(): Promise<NodeJS.MemoryUsage> {
    await this.send('HeapProfiler.collectGarbage');
    return JSON.parse(
      await this.evaluate<string>('JSON.stringify(process.memoryUsage())'),
    ) as NodeJS.MemoryUsage;
  }

  /** A heap snapshot (the .heapsnapshot JSON DevTools reads) after a full garbage collection. */
  async heapSnapshot(): Promise<HeapSnapshot> {
    await this.send('HeapProfiler.collectGarbage');
    this.snapshotChunks = [];
    await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, 300_000);
    const text = this.snapshotChunks.join('');
    this.snapshotChunks = [];
    return JSON.parse(text) as HeapSnapshot;
  }

  close(): void {
    this.ws.close();
  }
}
