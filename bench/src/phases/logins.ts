// P5: logins at a fixed rate through nginx (/api/auth/login), real users registered first
// (argon2id like everyone's), timed from when each login was due.
import type { Log } from '../orchestrator/context.js';
import { Histogram, type LatencySummary } from '../stats/histogram.js';
import type { LoginParams, LoginResult } from '../worker/login-worker.js';
import { startOnce, type OneShot } from '../worker/one-shot.js';

export const BENCH_PASSWORD = 'bench-password-not-secret-1';

export interface LoginFigures {
  rate: number;
  durationMs: number;
  users: number;
  ok: number;
  okPerSec: number;
  latency: LatencySummary;
  statuses: Record<string, number>;
  skipped: number;
}

/** Registers `count` users through the entry point (a few at a time: each is an argon2id hash). */
export async function registerUsers(
  baseUrl: string,
  label: string,
  count: number,
  log: Log,
): Promise<{ username: string; password: string }[]> {
  const users = Array.from({ length: count }, (_, i) => ({
    username: `bench${label}l${i}`.slice(0, 32),
    password: BENCH_PASSWORD,
  }));
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < users.length) {
        const user = users[next];
        next += 1;
        if (!user) continue;
        for (let attempt = 1; ; attempt++) {
          const response = await fetch(new URL('/api/auth/register', baseUrl), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(user),
            signal: AbortSignal.timeout(30_000),
          });
          await response.arrayBuffer();
          if (response.status === 201 || response.status === 200) break;
          if (response.status >= 500 && attempt < 3) continue;
          throw new Error(`register ${user.username}: ${response.status}`);
        }
      }
    }),
  );
  log(`P5: ${count} users registered in ${((performance.now() - t0) / 1_000).toFixed(1)} s`);
  return users;
}

export function startLogins(
  baseUrl: string,
  users: { username: string; password: string }[],
  rate: number,
  durationMs: number,
  startAt: number,
): OneShot<LoginResult> {
  const params: LoginParams = {
    url: new URL('/api/auth/login', baseUrl).toString(),
    users,
    rate,
    durationMs,
    startAt,
    timeoutMs: 10_000,
    maxInFlight: 200,
  };
  return startOnce<LoginResult>(
    new URL('../worker/login-worker.js', import.meta.url),
    params,
    durationMs + 60_000,
  );
}

export function loginFigures(result: LoginResult, rate: number, users: number): LoginFigures {
  return {
    rate,
    durationMs: result.ms,
    users,
    ok: result.ok,
    okPerSec: result.ok / (result.ms / 1_000),
    latency: Histogram.from(result.latency).summary(),
    statuses: result.statuses,
    skipped: result.skipped,
  };
}

export function describeLogins(label: string, f: LoginFigures): string {
  return (
    `${label}: ${f.okPerSec.toFixed(1)} logins/s of ${f.rate} offered; p50 ${f.latency.p50 ?? 'n/a'} ms, ` +
    `p99 ${f.latency.p99 ?? 'n/a'} ms; answers ${JSON.stringify(f.statuses)}` +
    (f.skipped ? `; ${f.skipped} skipped (over 200 in flight)` : '')
  );
}
