import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, exportSPKI, SignJWT, type JWK } from 'jose';
import { AppError } from '../errors.js';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './access-token-verifier.js';
import { createTestSigningKey, signTestAccessToken, type TestSigningKey } from './test-keys.js';

const issuer = 'https://auth.falablau.test';
const audience = 'falablau';

let key: TestSigningKey;
let verifier: AccessTokenVerifier;
const sign = (opts: Omit<Parameters<typeof signTestAccessToken>[1], 'issuer' | 'audience'> = {}) =>
  signTestAccessToken(key, { issuer, audience, ...opts });

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

beforeAll(async () => {
  key = await createTestSigningKey('key-1');
  verifier = createAccessTokenVerifier({ keySet: { keys: [key.publicJwk] }, issuer, audience });
});

async function expectUnauthorized(token: string, message = /./): Promise<void> {
  const failure: unknown = await verifier.verify(token).then(
    () => 'verified',
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(AppError);
  expect(failure).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  expect((failure as AppError).message).toMatch(message);
}

describe('createAccessTokenVerifier', () => {
  test('when the token is valid, then the caller is returned', async () => {
    const token = await sign({
      claims: { sub: 'u-1', sid: 's-1', username: 'bob', role: 'admin' },
    });
    const user = await verifier.verify(token);
    expect(user).toEqual({
      userId: 'u-1',
      sessionId: 's-1',
      username: 'bob',
      role: 'admin',
      expiresAt: expect.any(Date) as Date,
    });
    expect(user.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  test('when the token uses alg "none", then 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = encode({ alg: 'none', typ: 'at+jwt', kid: key.kid });
    const payload = encode({
      iss: issuer,
      aud: audience,
      sub: 'u',
      sid: 's',
      username: 'a',
      role: 'admin',
      iat: now,
      exp: now + 60,
    });
    await expectUnauthorized(`${header}.${payload}.`);
  });

  test('when the token is HS256-signed with the public key as secret, then 401', async () => {
    const secret = new TextEncoder().encode(await exportSPKI(key.publicKey));
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'u', sid: 's', username: 'a', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(secret);
    await expectUnauthorized(token);
  });

  test('when the signature is empty, then 401', async () => {
    const token = await sign();
    await expectUnauthorized(token.slice(0, token.lastIndexOf('.') + 1));
  });

  test('when the payload was altered after signing, then 401', async () => {
    const [header, , signature] = (await sign()).split('.');
    const forged = encode({
      iss: issuer,
      aud: audience,
      sub: 'x',
      sid: 's',
      username: 'a',
      role: 'admin',
      iat: 1,
      exp: 4102444800,
    });
    await expectUnauthorized(`${header ?? ''}.${forged}.${signature ?? ''}`);
  });

  test('when the token has expired (beyond the clock tolerance), then 401 "expired"', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectUnauthorized(await sign({ claims: { iat: now - 120, exp: now - 60 } }), /expired/);
  });

  test('when the token is within the clock tolerance after exp, then it still verifies', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(
      verifier.verify(await sign({ claims: { iat: now - 60, exp: now - 2 } })),
    ).resolves.toBeDefined();
  });

  test('when the token is not yet valid, then 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectUnauthorized(await sign({ claims: { nbf: now + 300 } }));
  });

  test('when the audience is wrong, then 401', async () => {
    await expectUnauthorized(await sign({ claims: { aud: 'some-other-api' } }));
  });

  test('when the issuer is wrong, then 401', async () => {
    await expectUnauthorized(await sign({ claims: { iss: 'https://evil.test' } }));
  });

  test('when the kid is unknown, then 401', async () => {
    const stranger = await createTestSigningKey('key-unknown');
    await expectUnauthorized(
      await signTestAccessToken(stranger, { issuer, audience }),
      /unknown key/,
    );
  });

  test('when another key signs under our kid, then 401', async () => {
    const impostor = await createTestSigningKey(key.kid);
    await expectUnauthorized(await signTestAccessToken(impostor, { issuer, audience }));
  });

  test('when the kid header is missing, then 401', async () => {
    await expectUnauthorized(await sign({ header: { kid: undefined } }));
  });

  test.each([['JWT'], ['id+jwt']])('when typ is %s instead of at+jwt, then 401', async (typ) => {
    await expectUnauthorized(await sign({ header: { typ } }));
  });

  test('when typ is missing, then 401', async () => {
    await expectUnauthorized(await sign({ header: { typ: undefined } }));
  });

  test.each([['sub'], ['sid'], ['username'], ['role'], ['exp'], ['iat'], ['iss'], ['aud']])(
    'when the %s claim is missing, then 401',
    async (claim) => {
      await expectUnauthorized(await sign({ claims: { [claim]: undefined } }));
    },
  );

  test('when the role is not one we know, then 401', async () => {
    await expectUnauthorized(await sign({ claims: { role: 'root' } }));
  });

  test.each([
    ['an opaque refresh token', 'q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc'],
    ['an empty string', ''],
    ['garbage with dots', 'a.b.c'],
  ])('when given %s, then 401', async (_label, token) => {
    await expectUnauthorized(token);
  });
});

describe('createAccessTokenVerifier with a remote JWKS', () => {
  let server: Server;
  let served: JWK[] = [];
  let fetches = 0;
  let jwksUrl: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('when auth-service rotates to a new kid, then the verifier refetches and accepts it', async () => {
    const first = await createTestSigningKey('rot-1');
    const second = await createTestSigningKey('rot-2');
    served = [first.publicJwk];
    fetches = 0;
    const remote = createAccessTokenVerifier({ jwksUrl, issuer, audience, jwksCooldownMs: 0 });

    await remote.verify(await signTestAccessToken(first, { issuer, audience }));
    await remote.verify(await signTestAccessToken(first, { issuer, audience }));
    expect(fetches).toBe(1); // cached

    served = [second.publicJwk, first.publicJwk];
    await expect(
      remote.verify(await signTestAccessToken(second, { issuer, audience })),
    ).resolves.toBeDefined();
    expect(fetches).toBe(2);
  });

  test('when unknown kids arrive within the cooldown, then the JWKS is not refetched each time', async () => {
    const known = await createTestSigningKey('cool-1');
    served = [known.publicJwk];
    fetches = 0;
    const remote = createAccessTokenVerifier({ jwksUrl, issuer, audience, jwksCooldownMs: 60_000 });
    await remote.verify(await signTestAccessToken(known, { issuer, audience }));
    const stranger = await createTestSigningKey('cool-unknown');
    for (let i = 0; i < 5; i += 1) {
      await expect(
        remote.verify(await signTestAccessToken(stranger, { issuer, audience })),
      ).rejects.toMatchObject({ statusCode: 401 });
    }
    expect(fetches).toBe(1);
  });

  test('when the JWKS endpoint is unreachable, then 401 (not 500)', async () => {
    const remote = createAccessTokenVerifier({
      jwksUrl: 'http://127.0.0.1:1/jwks.json',
      issuer,
      audience,
    });
    await expect(remote.verify(await sign())).rejects.toMatchObject({
      statusCode: 401,
      code: 'UNAUTHORIZED',
    });
  });
});
