import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createHttpApp, type HttpApp } from '../http/create-http-app.js';
import { createAccessTokenVerifier } from './access-token-verifier.js';
import { authenticatedUser, requireUser } from './require-user.js';
import {
  authenticatedCaller,
  authenticatedService,
  createCallerVerifier,
  requireScope,
  requireUserOrScope,
  serviceTokenClaims,
  type CallerVerifier,
} from './service-token.js';
import { createTestSigningKey, signTestAccessToken, type TestSigningKey } from './test-keys.js';

const issuer = 'https://auth.falablau.test';
const audience = 'falablau';

let key: TestSigningKey;
let verifier: CallerVerifier;
let app: HttpApp;

/** A client-credentials token as auth-service issues it: no user-session claims at all. */
const serviceToken = (
  clientId: string,
  scopes: string[],
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
) =>
  signTestAccessToken(key, {
    issuer,
    audience,
    header,
    claims: {
      ...serviceTokenClaims(clientId, scopes),
      sid: undefined,
      username: undefined,
      role: undefined,
      ...claims,
    },
  });

const userToken = (role: 'user' | 'admin' = 'user') =>
  signTestAccessToken(key, { issuer, audience, claims: { role, username: role } });

beforeAll(async () => {
  key = await createTestSigningKey();
  const keySet = { keys: [key.publicJwk] };
  verifier = createCallerVerifier({ keySet, issuer, audience });
  app = await createHttpApp({
    name: 'test',
    logger: createLogger({ name: 'test', level: 'silent' }),
    metrics: createMetrics({ service: 'test', defaultMetrics: false }),
    openapi: { title: 'Test', version: '1.0.0', description: 'test' },
  });
  app.post('/internal', { preHandler: requireScope(verifier, 'archive:write') }, async (request) =>
    authenticatedService(request),
  );
  app.get(
    '/shared',
    { preHandler: requireUserOrScope(verifier, 'archive:read') },
    async (request) => authenticatedCaller(request),
  );
  app.get(
    '/me',
    { preHandler: requireUser(createAccessTokenVerifier({ keySet, issuer, audience })) },
    async (request) => authenticatedUser(request),
  );
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

const call = (method: 'GET' | 'POST', url: string, token?: string) =>
  app.inject({
    method,
    url,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });

describe('createCallerVerifier', () => {
  test('when given a client-credentials token, then the caller is that service with its scopes', async () => {
    const caller = await verifier.verify(
      await serviceToken('chat', ['archive:read', 'archive:write']),
    );
    expect(caller).toEqual({
      kind: 'service',
      service: {
        clientId: 'chat',
        scopes: ['archive:read', 'archive:write'],
        expiresAt: expect.any(Date) as Date,
      },
    });
  });

  test('when given a user access token, then the caller is that user', async () => {
    const caller = await verifier.verify(await userToken('admin'));
    expect(caller).toMatchObject({ kind: 'user', user: { role: 'admin', username: 'admin' } });
  });

  test.each([
    ['sub does not match client_id', { sub: 'svc:other' }],
    ['sub lacks the svc: prefix', { sub: 'chat' }],
    ['scope is missing', { scope: undefined }],
    ['scope holds a forbidden character', { scope: 'archive:read "x"' }],
    ['client_id is empty', { client_id: '', sub: 'svc:' }],
    ['it also names a user session (sid)', { sid: 's-1' }],
    ['it also carries a role', { role: 'admin' }],
    ['it also carries a username', { username: 'root' }],
  ])('when a service token is malformed (%s), then 401', async (_label, claims) => {
    await expect(
      verifier.verify(await serviceToken('chat', ['archive:read'], claims)),
    ).rejects.toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });

  test.each([
    ['a wrong audience', { aud: 'somebody-else' }, {}],
    ['a wrong issuer', { iss: 'https://evil.test' }, {}],
    ['an expiry in the past', { iat: 1, exp: 60 }, {}],
    ['typ JWT instead of at+jwt', {}, { typ: 'JWT' }],
  ])(
    'when a service token has %s, then the shared JWT checks reject it (401)',
    async (_l, c, h) => {
      await expect(
        verifier.verify(await serviceToken('chat', ['archive:read'], c, h)),
      ).rejects.toMatchObject({ statusCode: 401 });
    },
  );

  test('when a service token is signed by a key outside the JWKS, then 401', async () => {
    const stranger = await createTestSigningKey(key.kid);
    const token = await signTestAccessToken(stranger, {
      issuer,
      audience,
      claims: {
        ...serviceTokenClaims('chat', ['archive:write']),
        sid: undefined,
        username: undefined,
        role: undefined,
      },
    });
    await expect(verifier.verify(token)).rejects.toMatchObject({ statusCode: 401 });
  });
});

describe('requireScope', () => {
  test('when a service token carries the scope, then the internal endpoint answers', async () => {
    const res = await call('POST', '/internal', await serviceToken('mover', ['archive:write']));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ clientId: 'mover' });
  });

  test('when there is no token, then 401', async () => {
    const res = await call('POST', '/internal');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  test('when the token is garbage, then 401', async () => {
    expect((await call('POST', '/internal', 'not.a.jwt')).statusCode).toBe(401);
  });

  test.each([['user'], ['admin']] as const)(
    'when a %s token calls an internal endpoint, then 403',
    async (role) => {
      const res = await call('POST', '/internal', await userToken(role));
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    },
  );

  test('when the service token lacks the scope, then 403 insufficient_scope', async () => {
    const res = await call('POST', '/internal', await serviceToken('chat', ['archive:read']));
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", scope="archive:write"',
    );
  });

  test('when a scope only starts like the required one, then 403 (exact match)', async () => {
    const res = await call('POST', '/internal', await serviceToken('chat', ['archive:write-ish']));
    expect(res.statusCode).toBe(403);
  });
});

describe('requireUserOrScope', () => {
  test('when a signed-in user calls, then the caller is the user', async () => {
    const res = await call('GET', '/shared', await userToken());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'user', user: { role: 'user' } });
  });

  test('when a service with the scope calls, then the caller is the service', async () => {
    const res = await call('GET', '/shared', await serviceToken('chat', ['archive:read']));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'service', service: { clientId: 'chat' } });
  });

  test('when a service without the scope calls, then 403', async () => {
    expect(
      (await call('GET', '/shared', await serviceToken('chat', ['archive:write']))).statusCode,
    ).toBe(403);
  });

  test('when there is no token, then 401', async () => {
    expect((await call('GET', '/shared')).statusCode).toBe(401);
  });
});

describe('requireUser with a service token', () => {
  test('when a service token is presented on a user endpoint, then 401 (it is no user)', async () => {
    const res = await call('GET', '/me', await serviceToken('chat', ['archive:read']));
    expect(res.statusCode).toBe(401);
  });
});
