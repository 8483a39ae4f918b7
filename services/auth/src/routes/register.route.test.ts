import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import { createPasswordHasher } from '../passwords/password-hasher.js';
import {
  startTestAuthApp,
  testAudience,
  testIssuer,
  type TestAuthApp,
} from '../testing/auth-test-app.js';
import { get, password, post, registerUser, uniqueUsername } from '../testing/requests.js';

let t: TestAuthApp;
let hashCalls = 0;

beforeAll(async () => {
  const real = await createPasswordHasher({ queueLimit: 64 });
  const counting: PasswordHasher = {
    ...real,
    hash: (p) => {
      hashCalls += 1;
      return real.hash(p);
    },
  };
  t = await startTestAuthApp({
    passwordHasher: counting,
    config: { adminUsernames: ['Root_Admin'] },
  });
});

afterAll(async () => {
  await t.dispose();
});

describe('POST /register', () => {
  test('when the credentials are valid, then 201 with a session and the user', async () => {
    const username = uniqueUsername('Alice');
    const res = await post(t.app, '/register', { username, password });
    expect(res.statusCode).toBe(201);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshExpiresIn: 30 * 24 * 3600,
      user: { username, role: 'user' },
    });
    const accessToken = body.accessToken as string;
    expect(decodeProtectedHeader(accessToken)).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: t.signingKeys.current.kid,
    });
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({
      iss: testIssuer,
      aud: testAudience,
      username,
      role: 'user',
      sid: body.sessionId,
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await get(t.app, '/users/me', accessToken);
    expect(me.json()).toMatchObject({ username, role: 'user' });
  });

  test('when the password is stored, then only an argon2id hash is kept', async () => {
    const username = uniqueUsername();
    await registerUser(t.app, username);
    const row = await t.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    const [, type, version, params] = row.password_hash.split('$');
    expect([type, version]).toEqual(['argon2id', 'v=19']);
    expect(params?.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
  });

  test('when the username is taken in another letter case, then 409', async () => {
    const username = uniqueUsername('bob');
    await registerUser(t.app, username);
    const res = await post(t.app, '/register', { username: username.toUpperCase(), password });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: { code: 'CONFLICT', message: 'Username is already taken' },
    });
  });

  test('when the same new name registers twice at once, then exactly one wins and the other gets 409', async () => {
    const username = uniqueUsername('race');
    const results = await Promise.all([
      post(t.app, '/register', { username, password }),
      post(t.app, '/register', { username: username.toUpperCase(), password }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  });

  test('when the username is listed in ADMIN_USERNAMES, then the account is an admin', async () => {
    const res = await post(t.app, '/register', { username: 'root_admin', password });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ user: { role: 'admin' } });
  });

  describe('when the input is bad, then 400/413 with an error body and no hashing', () => {
    const cases: [string, string, number, string][] = [
      [
        'a too short username',
        JSON.stringify({ username: 'ab', password }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a too long username',
        JSON.stringify({ username: 'a'.repeat(33), password }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a username with spaces',
        JSON.stringify({ username: 'a b c', password }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a too short password',
        JSON.stringify({ username: 'valid_name', password: 'short' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a 1025-character password',
        JSON.stringify({ username: 'valid_name', password: 'p'.repeat(1025) }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a number as username',
        JSON.stringify({ username: 12345, password }),
        400,
        'VALIDATION_FAILED',
      ],
      ['a missing password', JSON.stringify({ username: 'valid_name' }), 400, 'VALIDATION_FAILED'],
      [
        'an unknown field',
        JSON.stringify({ username: 'valid_name', password, role: 'admin' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'an array body',
        JSON.stringify([{ username: 'valid_name', password }]),
        400,
        'VALIDATION_FAILED',
      ],
      ['malformed JSON', '{"username": "valid_name", "password": ', 400, 'MALFORMED_JSON'],
      [
        'a body over 16 KiB',
        JSON.stringify({ username: 'valid_name', password: 'p'.repeat(17 * 1024) }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ];
    test.each(cases)('%s', async (_label, payload, status, code) => {
      const before = hashCalls;
      const started = performance.now();
      const res = await t.app.inject({
        method: 'POST',
        url: '/register',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ error: { code, message: expect.any(String) as string } });
      expect(hashCalls).toBe(before);
      expect(performance.now() - started).toBeLessThan(200);
    });
  });

  test('when the body is missing, then 400', async () => {
    const res = await post(t.app, '/register');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toHaveProperty('error.code');
  });

  test('when the password is exactly 1024 characters, then it is accepted', async () => {
    const res = await post(t.app, '/register', {
      username: uniqueUsername(),
      password: 'p'.repeat(1024),
    });
    expect(res.statusCode).toBe(201);
  });
});
