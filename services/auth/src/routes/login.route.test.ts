import { startTestAuthApp, type TestAuthApp } from '../testing/auth-test-app.js';
import { get, login, password, post, registerUser, uniqueUsername } from '../testing/requests.js';

describe('POST /login', () => {
  let t: TestAuthApp;
  beforeAll(async () => {
    t = await startTestAuthApp();
  });
  afterAll(async () => {
    await t.dispose();
  });

  test('when the credentials are right, then 200 with tokens that open /users/me', async () => {
    const username = uniqueUsername();
    await registerUser(t.app, username);
    const res = await post(t.app, '/login', { username, password });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      accessToken: string;
      refreshToken: string;
      user: { username: string };
    }>();
    expect(body.user.username).toBe(username);
    expect((await get(t.app, '/users/me', body.accessToken)).statusCode).toBe(200);
  });

  test('when the username is typed in another case, then the login still works', async () => {
    const username = uniqueUsername('CaseUser');
    await registerUser(t.app, username);
    const body = await login(t.app, username.toLowerCase());
    expect(body.user.username).toBe(username);
  });

  test('when each login happens, then each gets its own session', async () => {
    const username = uniqueUsername();
    await registerUser(t.app, username);
    const [a, b] = await Promise.all([login(t.app, username), login(t.app, username)]);
    expect(a.sessionId).not.toBe(b.sessionId);
  });

  test('when the password is wrong or the user unknown, then the same 401', async () => {
    const username = uniqueUsername();
    await registerUser(t.app, username);
    const wrong = await post(t.app, '/login', { username, password: 'not the password' });
    const unknown = await post(t.app, '/login', { username: uniqueUsername('ghost'), password });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'Invalid username or password' },
    });
  });

  test('when the user is unknown, then the answer takes as long as for a wrong password', async () => {
    const username = uniqueUsername();
    await registerUser(t.app, username);
    const time = async (name: string) => {
      const started = performance.now();
      await post(t.app, '/login', { username: name, password: 'not the password' });
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      known.push(await time(username));
      unknown.push(await time(uniqueUsername('ghost')));
    }
    const ratio = median(unknown) / median(known);
    // Both pay one argon2id verification (tens of ms); without the dummy hash an unknown user
    // would answer in about a millisecond (ratio ≈ 0.05).
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.4);
  });

  test('when the body is bad, then 400 without touching the account counters', async () => {
    for (const payload of [
      { username: 'someone', password: 'p'.repeat(1025) },
      { username: 'someone', password: 'x', extra: 1 },
      { username: ['someone'], password },
    ]) {
      const res = await post(t.app, '/login', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
    const counters = await t.db
      .selectFrom('login_failures')
      .selectAll()
      .where('key', 'like', '%someone%')
      .execute();
    expect(counters).toEqual([]);
  });

  test('when the JSON is malformed, then 400 MALFORMED_JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      payload: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
  });
});

describe('POST /login throttling per account', () => {
  let t: TestAuthApp;
  beforeAll(async () => {
    t = await startTestAuthApp();
  });
  afterAll(async () => {
    await t.dispose();
  });

  test('when an account has 100 failed logins within the hour, then the next attempt is 429 with Retry-After — even with the right password', async () => {
    const username = uniqueUsername('target');
    await registerUser(t.app, username);
    // A success in between gives its point back: only failures count.
    await login(t.app, username);
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch += 1) {
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          post(t.app, '/login', { username, password: 'wrong password' }),
        ),
      );
      statuses.push(...results.map((r) => r.statusCode));
    }
    expect(statuses.every((s) => s === 401)).toBe(true);

    const locked = await post(t.app, '/login', { username, password });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);

    // The counter lives in Postgres, so every replica sees the same lock.
    const row = await t.db
      .selectFrom('login_failures')
      .selectAll()
      .where('key', '=', `login:${username.toLowerCase()}`)
      .executeTakeFirstOrThrow();
    expect(row.points).toBeGreaterThan(100);
  });

  test('when a locked account is attacked in a different letter case, then it is still locked', async () => {
    const username = uniqueUsername('Victim');
    await registerUser(t.app, username);
    await t.db
      .insertInto('login_failures')
      .values({
        key: `login:${username.toLowerCase()}`,
        points: 100,
        expire: Date.now() + 3_600_000,
      })
      .execute();
    const res = await post(t.app, '/login', { username: username.toUpperCase(), password });
    expect(res.statusCode).toBe(429);
  });

  test('when other accounts are locked, then this one still logs in', async () => {
    const username = uniqueUsername();
    await registerUser(t.app, username);
    expect((await post(t.app, '/login', { username, password })).statusCode).toBe(200);
  });
});

describe('POST /login throttling per IP', () => {
  let t: TestAuthApp;
  beforeAll(async () => {
    t = await startTestAuthApp({ config: { ipRateLimit: { max: 3, windowMs: 60_000 } } });
  });
  afterAll(async () => {
    await t.dispose();
  });

  test('when one address sends more than the limit, then 429 with Retry-After before any hashing', async () => {
    const from = (ip: string) => ({ remoteAddress: ip });
    const attempt = (ip: string) =>
      t.app.inject({
        method: 'POST',
        url: '/login',
        payload: { username: 'nobody_here', password: 'whatever1' },
        ...from(ip),
      });
    const first = await Promise.all([
      attempt('10.0.0.1'),
      attempt('10.0.0.1'),
      attempt('10.0.0.1'),
    ]);
    expect(first.map((r) => r.statusCode)).toEqual([401, 401, 401]);
    const started = performance.now();
    const blocked = await attempt('10.0.0.1');
    expect(performance.now() - started).toBeLessThan(30);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', message: expect.any(String) as string },
    });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is unaffected.
    expect((await attempt('10.0.0.2')).statusCode).toBe(401);
  });
});
