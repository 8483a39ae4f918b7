// /verify and /users/me, including the JWT negative suite through HTTP: every forged, stale or
// misdirected token is a 401 with the error body, never a 500.
import { createPublicKey } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import { signTestAccessToken } from '@falablau/common';
import {
  startTestAuthApp,
  testAudience,
  testIssuer,
  type TestAuthApp,
} from '../testing/auth-test-app.js';
import { get, post, registerUser } from '../testing/requests.js';
import { generateSigningKeyPem, signingKeysFromPem } from '../tokens/signing-keys.js';
import type { TokenResponse } from './schemas.js';

let t: TestAuthApp;
let tokens: TokenResponse;

beforeAll(async () => {
  t = await startTestAuthApp();
  tokens = await registerUser(t.app, 'token_tester');
});

afterAll(async () => {
  await t.dispose();
});

const now = () => Math.floor(Date.now() / 1000);
/** A token signed with auth-service's real key, with the given claims/header changed. */
const forge = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  signTestAccessToken(t.signingKeys.current, {
    issuer: testIssuer,
    audience: testAudience,
    claims: {
      sub: tokens.user.id,
      sid: tokens.sessionId,
      username: tokens.user.username,
      role: 'user',
      ...claims,
    },
    header,
  });
const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

const negativeSuite: [string, () => Promise<string>][] = [
  [
    'alg none',
    async () => {
      const header = encode({ alg: 'none', typ: 'at+jwt', kid: t.signingKeys.current.kid });
      const payload = encode({
        iss: testIssuer,
        aud: testAudience,
        sub: tokens.user.id,
        sid: tokens.sessionId,
        username: 'x',
        role: 'admin',
        iat: now(),
        exp: now() + 600,
      });
      return `${header}.${payload}.`;
    },
  ],
  [
    'HS256 signed with the public key',
    async () => {
      const publicPem = createPublicKey(t.signingKeys.current.privateKey).export({
        type: 'spki',
        format: 'pem',
      });
      return new SignJWT({
        sub: tokens.user.id,
        sid: tokens.sessionId,
        username: 'x',
        role: 'admin',
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: t.signingKeys.current.kid })
        .setIssuer(testIssuer)
        .setAudience(testAudience)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(publicPem.toString()));
    },
  ],
  [
    'an empty signature',
    async () => {
      const token = await forge();
      return token.slice(0, token.lastIndexOf('.') + 1);
    },
  ],
  ['an expired token', () => forge({ iat: now() - 3600, exp: now() - 1800 })],
  ['a not-yet-valid token', () => forge({ nbf: now() + 600 })],
  ['a wrong audience', () => forge({ aud: 'another-service' })],
  ['a wrong issuer', () => forge({ iss: 'https://evil.example' })],
  [
    'an unknown kid',
    async () => {
      const other = await signingKeysFromPem(generateSigningKeyPem());
      return signTestAccessToken(other.current, {
        issuer: testIssuer,
        audience: testAudience,
        claims: { sub: tokens.user.id, sid: tokens.sessionId },
      });
    },
  ],
  [
    'a foreign key under our kid',
    async () => {
      const other = await signingKeysFromPem(
        generateSigningKeyPem(),
        [],
        t.signingKeys.current.kid,
      );
      return signTestAccessToken(other.current, {
        issuer: testIssuer,
        audience: testAudience,
        claims: { sub: tokens.user.id, sid: tokens.sessionId },
      });
    },
  ],
  ['typ JWT instead of at+jwt', () => forge({}, { typ: 'JWT' })],
  ['a missing sub', () => forge({ sub: undefined })],
  ['a missing sid', () => forge({ sid: undefined })],
  ['a missing exp', () => forge({ exp: undefined })],
  ['an unknown role', () => forge({ role: 'superuser' })],
  ['a refresh token (opaque string)', async () => tokens.refreshToken],
  ['garbage', async () => 'definitely-not-a-token'],
];

describe('POST /verify', () => {
  test('when the token is valid, then 200 with the user', async () => {
    const res = await post(t.app, '/verify', { token: tokens.accessToken });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      valid: true,
      user: {
        id: tokens.user.id,
        username: 'token_tester',
        role: 'user',
        sessionId: tokens.sessionId,
        expiresAt: expect.any(String) as string,
      },
    });
  });

  test.each(negativeSuite)('when the token has %s, then 401', async (_label, make) => {
    const res = await post(t.app, '/verify', { token: await make() });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  test.each([
    ['no token', {}],
    ['a number', { token: 1 }],
    ['an unknown field', { token: 'a', admin: true }],
    ['a huge token', { token: 'a'.repeat(9000) }],
  ])('when the body has %s, then 400', async (_label, body) => {
    expect((await post(t.app, '/verify', body)).statusCode).toBe(400);
  });
});

describe('GET /users/me', () => {
  test('when the token is valid, then the profile', async () => {
    const res = await get(t.app, '/users/me', tokens.accessToken);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: tokens.user.id,
      username: 'token_tester',
      role: 'user',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
    });
  });

  test('when a token is built like the forgeries but nothing is wrong with it, then it is accepted', async () => {
    // Guards the negative suite: each forgery fails for the one thing it changes.
    expect((await get(t.app, '/users/me', await forge())).statusCode).toBe(200);
  });

  test.each(negativeSuite)('when the token has %s, then 401', async (_label, make) => {
    const res = await get(t.app, '/users/me', await make());
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  test.each([
    ['no Authorization header', {}],
    ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['Bearer with nothing', { authorization: 'Bearer ' }],
  ])('when the request has %s, then 401', async (_label, headers) => {
    const res = await t.app.inject({ method: 'GET', url: '/users/me', headers });
    expect(res.statusCode).toBe(401);
  });

  test('when the account was deleted, then 401', async () => {
    const doomed = await registerUser(t.app);
    await t.db.deleteFrom('users').where('id', '=', doomed.user.id).execute();
    expect((await get(t.app, '/users/me', doomed.accessToken)).statusCode).toBe(401);
  });
});
