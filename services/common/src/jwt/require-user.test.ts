import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createHttpApp, type HttpApp } from '../http/create-http-app.js';
import { createAccessTokenVerifier } from './access-token-verifier.js';
import { authenticatedUser, requireRole, requireUser } from './require-user.js';
import { createTestSigningKey, signTestAccessToken, type TestSigningKey } from './test-keys.js';

const issuer = 'https://auth.falablau.test';
const audience = 'falablau';
let app: HttpApp;
let key: TestSigningKey;

beforeAll(async () => {
  key = await createTestSigningKey();
  const verifier = createAccessTokenVerifier({
    keySet: { keys: [key.publicJwk] },
    issuer,
    audience,
  });
  app = await createHttpApp({
    name: 'test',
    logger: createLogger({ name: 'test', level: 'silent' }),
    metrics: createMetrics({ service: 'test', defaultMetrics: false }),
    openapi: { title: 'Test', version: '1.0.0', description: 'test' },
  });
  app.get('/me', { preHandler: requireUser(verifier) }, async (request) =>
    authenticatedUser(request),
  );
  app.get('/admin', { preHandler: [requireUser(verifier), requireRole('admin')] }, async () => ({
    ok: true,
  }));
  app.get('/unguarded', async (request) => authenticatedUser(request));
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

const get = (url: string, authorization?: string) =>
  app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
const tokenFor = (role: 'user' | 'admin') =>
  signTestAccessToken(key, { issuer, audience, claims: { role, username: role } });

describe('requireUser', () => {
  test('when the bearer token is valid, then request.user is the caller', async () => {
    const res = await get('/me', `Bearer ${await tokenFor('user')}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: 'user', role: 'user' });
  });

  test.each([
    ['no Authorization header', undefined],
    ['a Basic header', 'Basic YWxpY2U6c2VjcmV0'],
    ['an empty bearer', 'Bearer '],
    ['a garbage bearer', 'Bearer not-a-jwt'],
  ])('when the request has %s, then 401 with the error body', async (_label, header) => {
    const res = await get('/me', header);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  test('when a handler asks for the user without the guard, then 401 rather than a crash', async () => {
    expect((await get('/unguarded')).statusCode).toBe(401);
  });
});

describe('requireRole', () => {
  test('when the caller is an admin, then the admin route answers', async () => {
    expect((await get('/admin', `Bearer ${await tokenFor('admin')}`)).statusCode).toBe(200);
  });

  test('when the caller is a plain user, then 403', async () => {
    const res = await get('/admin', `Bearer ${await tokenFor('user')}`);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });
});
