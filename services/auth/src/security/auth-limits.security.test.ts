// auth-service as the built process (`node dist/main.js`, real Postgres and Kafka), at its limits:
// - oversized bodies on every route that takes one, oversized passwords and usernames, deeply
//   nested JSON: a fast 4xx before any hashing, and a burst of them leaves no memory behind
//   (resident set size before, after, and the figures in .infra/security/limits-auth.json);
// - login brute force at the default (100 failures per account per hour, then 429 with
//   Retry-After, even for the right password) and, configured short through the environment
//   (LOGIN_MAX_FAILURES, LOGIN_FAILURE_WINDOW), the whole cycle: locked, then free again once the
//   window has passed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@falablau/common';
import {
  builtEntryPoint,
  deeplyNestedJson,
  MiB,
  oversizedInputs,
  oversizedString,
  requireServer,
  residentBytes,
  startServiceProcess,
  type ServiceProcess,
} from '@falablau/common/testing';

const serviceDir = fileURLToPath(new URL('../../', import.meta.url));
const figuresFile = fileURLToPath(
  new URL('../../../../.infra/security/limits-auth.json', import.meta.url),
);
const password = 'correct horse battery staple';

let database: ThrowawayDatabase;
let keysDir: string;
const started: ServiceProcess[] = [];
const figures: Record<string, unknown> = {};

async function startAuth(name: string, env: Record<string, string>): Promise<ServiceProcess> {
  const child = await startServiceProcess({
    name,
    entryPoint: builtEntryPoint(serviceDir, '@falablau/auth'),
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      KAFKA_BOOTSTRAP_SERVERS: requireServer('KAFKA_BOOTSTRAP_SERVERS'),
      KEYS_DIR: keysDir,
      // One client sends everything here: the per-IP limit would answer before the per-account one.
      IP_RATE_LIMIT_MAX: '1000000',
      ...env,
    },
  });
  started.push(child);
  return child;
}

beforeAll(async () => {
  database = await createThrowawayDatabase(requireServer('DATABASE_URL'), 'auth_security');
  keysDir = mkdtempSync(join(tmpdir(), 'falablau-auth-sec-'));
}, 30_000);

afterAll(async () => {
  await Promise.allSettled(started.map((p) => p.stop()));
  await database.drop();
  rmSync(keysDir, { recursive: true, force: true });
  mkdirSync(join(figuresFile, '..'), { recursive: true });
  writeFileSync(figuresFile, `${JSON.stringify(figures, null, 2)}\n`);
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Until the status line arrived. */
  ms: number;
}

/**
 * POSTs a raw body with node:http: the server may answer (and close) before it has read a body
 * it refuses, which fetch reports as a failed upload; here the answer is what counts.
 */
function postRaw(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  { chunked = false } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const begin = performance.now();
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: chunked
          ? headers
          : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: 10_000,
      },
      (res) => {
        const ms = performance.now() - begin;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            ms,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The answer came first and the server closed the rest of the upload: not a failure.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    if (chunked) {
      const buffer = Buffer.from(body);
      for (let offset = 0; offset < buffer.length; offset += 64 * 1024) {
        req.write(buffer.subarray(offset, offset + 64 * 1024));
      }
      req.end();
    } else {
      req.end(body);
    }
  });
}

const json = (value: unknown) => JSON.stringify(value);
const login = (auth: ServiceProcess, username: string, pass: string) =>
  postRaw(`${auth.url}/login`, json({ username, password: pass }));

async function register(auth: ServiceProcess, username: string): Promise<void> {
  const res = await postRaw(`${auth.url}/register`, json({ username, password }));
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.body}`);
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

describe('auth-service with its default limits', () => {
  let auth: ServiceProcess;
  beforeAll(async () => {
    auth = await startAuth('auth-security-defaults', {});
  }, 60_000);

  const bodyRoutes = ['/register', '/login', '/refresh', '/logout', '/verify', '/oauth/token'];

  test('when a 1 MiB body goes to each route that takes one, then 413 at once, before parsing', async () => {
    const huge = json({
      username: 'someone',
      password: oversizedString(oversizedInputs.httpBodyBytes),
    });
    for (const route of bodyRoutes) {
      for (const chunked of [false, true]) {
        const res = await postRaw(`${auth.url}${route}`, huge, undefined, { chunked });
        expect({ route, chunked, status: res.status }).toEqual({ route, chunked, status: 413 });
        expect(res.ms).toBeLessThan(1_000);
      }
    }
  });

  test.each([
    ['a 1025-character password', { username: 'valid_name', password: 'p'.repeat(1025) }, 400],
    [
      'a 10 000-character password (16 KiB body limit)',
      { username: 'valid_name', password: 'p'.repeat(10_000) },
      400,
    ],
    [
      'a 100 000-character password',
      { username: 'valid_name', password: oversizedString(100_000) },
      413,
    ],
    [
      'a password of 1025 four-byte characters',
      { username: 'valid_name', password: '😀'.repeat(1025) },
      400,
    ],
    ['a 33-character username', { username: 'u'.repeat(33), password }, 400],
    ['a 10 000-character username', { username: 'u'.repeat(10_000), password }, 400],
    ['JSON nested 2 500 levels deep', deeplyNestedJson(2_500), 400],
  ])(
    'when register and login get %s, then a fast 4xx and no account',
    async (_label, body, status) => {
      for (const route of ['/register', '/login']) {
        const res = await postRaw(
          `${auth.url}${route}`,
          typeof body === 'string' ? body : json(body),
        );
        expect({ route, status: res.status }).toEqual({ route, status });
        expect(res.ms).toBeLessThan(1_000);
      }
      // Nothing was created: the name is still free.
      await register(auth, `valid_name_${Date.now().toString(36)}`);
    },
  );

  test('when 600 oversized bodies arrive 20 at a time, then each is refused fast and memory stays flat', async () => {
    const huge = Buffer.alloc(oversizedInputs.httpBodyBytes, 'x');
    const burst = async (requests: number): Promise<number[]> => {
      const times: number[] = [];
      for (let sent = 0; sent < requests; sent += 20) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            postRaw(`${auth.url}${bodyRoutes[i % bodyRoutes.length] ?? '/login'}`, huge),
          ),
        );
        for (const answer of answers) {
          expect(answer.status).toBe(413);
          times.push(answer.ms);
        }
      }
      return times;
    };
    // Warm-up: what any burst needs (sockets, buffers, JIT) is allocated once.
    await burst(100);
    const before = residentBytes(auth.pid);
    const burstStarted = performance.now();
    const first = await burst(300);
    const afterFirst = residentBytes(auth.pid);
    const second = await burst(300);
    const afterSecond = residentBytes(auth.pid);
    const burstMs = performance.now() - burstStarted;
    const times = [...first, ...second];
    figures.oversizedBodies = {
      requests: times.length,
      bodyBytes: huge.length,
      concurrency: 20,
      burstMs: Math.round(burstMs),
      responseMsP50: Math.round(percentile(times, 50) * 10) / 10,
      responseMsP99: Math.round(percentile(times, 99) * 10) / 10,
      rssBeforeMiB: Math.round(before / MiB),
      rssAfterFirstMiB: Math.round(afterFirst / MiB),
      rssAfterSecondMiB: Math.round(afterSecond / MiB),
    };
    // 600 MiB went past the service: bounded growth, and the second burst adds (almost) nothing.
    expect(afterSecond - before).toBeLessThan(64 * MiB);
    expect(afterSecond - afterFirst).toBeLessThan(24 * MiB);
    expect(percentile(times, 99)).toBeLessThan(1_000);
    // And it still works.
    await register(auth, `after_burst_${Date.now().toString(36)}`);
  }, 60_000);

  test('when an account gets 100 failed logins, then the 101st attempt is 429 with Retry-After, even with the right password', async () => {
    const username = `brute_${Date.now().toString(36)}`;
    await register(auth, username);
    const begin = performance.now();
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => login(auth, username, `wrong password ${batch}-${i}`)),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    const elapsed = performance.now() - begin;
    expect(statuses.filter((s) => s === 401)).toHaveLength(100);

    const locked = await login(auth, username, password);
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.body)).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3_500);
    expect(retryAfter).toBeLessThanOrEqual(3_600);
    // Further guesses are refused before any hashing: fast.
    const refused = await login(auth, username, 'one more guess');
    expect(refused.status).toBe(429);
    expect(refused.ms).toBeLessThan(500);
    figures.bruteForceDefault = { failures: 100, ms: Math.round(elapsed), retryAfter };
    // Another account is unaffected.
    const other = `bystander_${Date.now().toString(36)}`;
    await register(auth, other);
    expect((await login(auth, other, password)).status).toBe(200);
  }, 60_000);
});

describe('auth-service with a short login-failure window from the environment', () => {
  let auth: ServiceProcess;
  beforeAll(async () => {
    auth = await startAuth('auth-security-short-window', {
      LOGIN_MAX_FAILURES: '5',
      LOGIN_FAILURE_WINDOW: '3s',
    });
  }, 60_000);

  test('when an account fails 5 times, then it is locked with Retry-After, and free again once the window has passed', async () => {
    const username = `short_${Date.now().toString(36)}`;
    await register(auth, username);
    for (let i = 0; i < 5; i += 1) {
      expect((await login(auth, username, `wrong guess ${i}`)).status).toBe(401);
    }
    const locked = await login(auth, username, password);
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1_000 + 300));
    const again = await login(auth, username, password);
    expect(again.status).toBe(200);
    figures.bruteForceShortWindow = { maxFailures: 5, windowSeconds: 3, retryAfter };
  }, 30_000);
});
