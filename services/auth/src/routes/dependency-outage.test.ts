// Postgres unable to serve (found by `make test-faults`, Postgres restart): the pool cannot hand
// out a connection within its timeout. Every route that needs the database must answer 503
// UNAVAILABLE with Retry-After — the client retries — never a 500, and recover by itself.
import type pg from 'pg';
import { startTestAuthApp, type TestAuthApp } from '../testing/auth-test-app.js';
import { get, password, post, registerUser, uniqueUsername } from '../testing/requests.js';

let t: TestAuthApp;

beforeAll(async () => {
  t = await startTestAuthApp({ background: false });
});

afterAll(async () => {
  await t.dispose();
});

/** Checks out every connection of the pool and makes waiting for one fail after 200 ms. */
async function exhaustPool(pool: pg.Pool): Promise<() => void> {
  const options = (pool as unknown as { options: { max: number; connectionTimeoutMillis: number } })
    .options;
  const previousTimeout = options.connectionTimeoutMillis;
  options.connectionTimeoutMillis = 200;
  const held = await Promise.all(Array.from({ length: options.max }, () => pool.connect()));
  return () => {
    for (const client of held) client.release();
    options.connectionTimeoutMillis = previousTimeout;
  };
}

describe('when the Postgres pool cannot get a connection in time', () => {
  test('then register, login and /users/me answer 503 UNAVAILABLE with Retry-After, then recover', async () => {
    const existing = await registerUser(t.app);
    const release = await exhaustPool(t.pool);
    try {
      const answers = await Promise.all([
        post(t.app, '/register', { username: uniqueUsername(), password }),
        post(t.app, '/login', { username: existing.user.username, password }),
        get(t.app, '/users/me', existing.accessToken),
      ]);
      for (const res of answers) {
        expect({ url: res.raw.req.url, status: res.statusCode }).toEqual({
          url: res.raw.req.url,
          status: 503,
        });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.json<{ error: { code: string } }>().error.code).toBe('UNAVAILABLE');
      }
      const ready = await get(t.app, '/ready');
      expect(ready.statusCode).toBe(503);
    } finally {
      release();
    }
    const again = await post(t.app, '/login', { username: existing.user.username, password });
    expect(again.statusCode).toBe(200);
  });
});
