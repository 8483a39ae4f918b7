// P5's generator: logins at a fixed rate (an open workload: a slow auth-service does not slow the
// schedule, it shows in the latency), each timed from when it was due, through nginx like a
// browser's. One process, forked by the orchestrator (worker/one-shot.ts).
import type { SerializedHistogram } from '../stats/histogram.js';
import { Histogram } from '../stats/histogram.js';
import { serveOnce } from './one-shot.js';

export interface LoginParams {
  url: string;
  users: { username: string; password: string }[];
  rate: number;
  durationMs: number;
  startAt: number;
  timeoutMs: number;
  /** Bound on requests in flight: beyond it a due login is counted as skipped, not queued. */
  maxInFlight: number;
}

export interface LoginResult {
  latency: SerializedHistogram;
  statuses: Record<string, number>;
  due: number;
  ok: number;
  skipped: number;
  ms: number;
}

async function run(params: LoginParams): Promise<LoginResult> {
  const latency = new Histogram();
  const statuses: Record<string, number> = {};
  const start = params.startAt - performance.timeOrigin;
  const interval = 1_000 / params.rate;
  const total = Math.floor(params.durationMs / interval);
  let sent = 0;
  let ok = 0;
  let skipped = 0;
  let inFlight = 0;
  const running = new Set<Promise<void>>();
  const count = (key: string) => {
    statuses[key] = (statuses[key] ?? 0) + 1;
  };
  const login = async (n: number, due: number) => {
    const user = params.users[n % params.users.length];
    if (!user) return;
    try {
      const response = await fetch(params.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(user),
        signal: AbortSignal.timeout(params.timeoutMs),
      });
      await response.arrayBuffer();
      count(String(response.status));
      if (response.status === 200) {
        ok += 1;
        latency.record(performance.now() - due);
      }
    } catch (error) {
      count(error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network error');
    }
  };
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, start - performance.now())));
  await new Promise<void>((resolve) => {
    const tick = () => {
      const dueCount = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (sent < dueCount) {
        const due = start + sent * interval;
        if (inFlight >= params.maxInFlight) {
          skipped += 1;
        } else {
          inFlight += 1;
          const p = login(sent, due).finally(() => {
            inFlight -= 1;
            running.delete(p);
          });
          running.add(p);
        }
        sent += 1;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 2);
  });
  await Promise.all(running);
  return { latency: latency.toJSON(), statuses, due: total, ok, skipped, ms: params.durationMs };
}

serveOnce(run);
