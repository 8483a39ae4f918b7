import type { AddressInfo } from 'node:net';
import { createAccessTokenVerifier } from '@falablau/common';
import {
  startTestAuthApp,
  testAudience,
  testIssuer,
  type TestAuthApp,
} from '../testing/auth-test-app.js';
import { get, registerUser } from '../testing/requests.js';
import { generateSigningKeyPem, signingKeysFromPem } from '../tokens/signing-keys.js';
import { createPublicKey } from 'node:crypto';

let t: TestAuthApp;
let retiredKid: string;

beforeAll(async () => {
  // A rotation in progress: the old key's public half is still published.
  const retired = await signingKeysFromPem(generateSigningKeyPem());
  retiredKid = retired.current.kid;
  const retiredPublicPem = createPublicKey(retired.current.privateKey)
    .export({ type: 'spki', format: 'pem' })
    .toString();
  t = await startTestAuthApp({
    signingKeys: await signingKeysFromPem(generateSigningKeyPem(), [retiredPublicPem]),
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await t.dispose();
});

describe('GET /.well-known/jwks.json', () => {
  test('when fetched, then the current and the retired public keys, and no private parts', async () => {
    const res = await get(t.app, '/.well-known/jwks.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = res.json<{ keys: Record<string, string>[] }>();
    expect(keys.map((k) => k.kid)).toEqual([t.signingKeys.current.kid, retiredKid]);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  test('when another service verifies a login token against the JWKS URL, then it accepts it', async () => {
    const { port } = t.app.server.address() as AddressInfo;
    const verifier = createAccessTokenVerifier({
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      issuer: testIssuer,
      audience: testAudience,
    });
    const tokens = await registerUser(t.app, 'jwks_user');
    await expect(verifier.verify(tokens.accessToken)).resolves.toMatchObject({
      userId: tokens.user.id,
      username: 'jwks_user',
      role: 'user',
      sessionId: tokens.sessionId,
    });
  });
});

describe('operations endpoints', () => {
  test('when /health is called, then 200', async () => {
    const res = await get(t.app, '/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', service: 'auth-service' });
  });

  test('when Postgres and the event bus are up, then /ready is 200', async () => {
    const res = await get(t.app, '/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', kafka: 'ok' } });
  });

  test('when logins happened, then /metrics counts them by outcome', async () => {
    await registerUser(t.app, 'metrics_user');
    await t.app.inject({
      method: 'POST',
      url: '/login',
      payload: { username: 'metrics_user', password: 'wrong password' },
    });
    const res = await get(t.app, '/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('auth_logins_total{outcome="failure"');
    expect(res.body).toContain('http_request_duration_seconds');
  });

  test('when /openapi.json is fetched, then every endpoint is documented', async () => {
    const res = await get(t.app, '/openapi.json');
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/register',
        '/login',
        '/logout',
        '/refresh',
        '/verify',
        '/users/me',
        '/.well-known/jwks.json',
        '/health',
        '/ready',
      ]),
    );
  });

  test('when a route does not exist, then 404 with the error body', async () => {
    const res = await get(t.app, '/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
