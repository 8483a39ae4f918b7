// chat's service token from a real auth-service (client-credentials grant over HTTP): shared by
// concurrent callers, renewed before it expires, dropped when refused, and a clear 503 when it
// cannot be had.
import { createCallerVerifier, createLogger } from '@falablau/common';
import {
  startTestAuthApp,
  testAudience,
  testIssuer,
  type TestAuthApp,
} from '@falablau/auth/dist/testing/auth-test-app.js';
import { ARCHIVE_SCOPES } from './archive-client.js';
import {
  createServiceTokenProvider,
  type ServiceTokenProviderOptions,
} from './service-token-provider.js';

const clientId = 'chat-service';
const clientSecret = 'chat-test-secret-0123456789';
let auth: TestAuthApp;
let tokenEndpoint: string;

beforeAll(async () => {
  auth = await startTestAuthApp({
    serviceClients: { [clientId]: { secret: clientSecret, scopes: [...ARCHIVE_SCOPES] } },
  });
  await auth.app.listen({ port: 0, host: '127.0.0.1' });
  const address = auth.app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('auth is not listening');
  tokenEndpoint = `http://127.0.0.1:${String(address.port)}/oauth/token`;
});

afterAll(async () => {
  await auth.dispose();
});

/** A provider with a clock the test moves, counting (and able to break) its requests to auth. */
function provider(overrides: Partial<ServiceTokenProviderOptions> = {}) {
  const state = { now: Date.now(), requests: 0, authDown: false };
  const tokens = createServiceTokenProvider({
    tokenEndpoint,
    clientId,
    clientSecret,
    scopes: ARCHIVE_SCOPES,
    timeoutMs: 5_000,
    logger: createLogger({ name: 'token-test', level: 'silent' }),
    now: () => state.now,
    fetch: async (input, init) => {
      state.requests += 1;
      if (state.authDown) throw new TypeError('fetch failed (test: auth is down)');
      return fetch(input, init);
    },
    ...overrides,
  });
  return { tokens, state };
}

// auth's test configuration issues service tokens for 10 minutes.
const MINUTE = 60_000;

describe('ServiceTokenProvider', () => {
  test('when callers ask at once, then one request to auth serves them all, and the token verifies as chat-service with both scopes', async () => {
    const { tokens, state } = provider();
    const all = await Promise.all(Array.from({ length: 5 }, () => tokens.token()));
    expect(new Set(all).size).toBe(1);
    expect(state.requests).toBe(1);

    const verifier = createCallerVerifier({
      keySet: auth.signingKeys.jwks,
      issuer: testIssuer,
      audience: testAudience,
    });
    await expect(verifier.verify(all[0] ?? '')).resolves.toMatchObject({
      kind: 'service',
      service: { clientId, scopes: ['archive:read', 'archive:write'] },
    });
  });

  test('when the token is close to expiry, then it is renewed first; before that it is reused', async () => {
    const { tokens, state } = provider();
    const first = await tokens.token();
    state.now += 8 * MINUTE;
    await expect(tokens.token()).resolves.toBe(first);
    expect(state.requests).toBe(1);

    state.now += 1.5 * MINUTE; // 30 s left
    const renewed = await tokens.token();
    expect(renewed).not.toBe(first);
    expect(state.requests).toBe(2);
  });

  test('when auth is down while renewing, then the still valid token serves; once it expired, 503', async () => {
    const { tokens, state } = provider();
    const first = await tokens.token();
    state.authDown = true;
    state.now += 9.5 * MINUTE;
    await expect(tokens.token()).resolves.toBe(first);
    state.now += 0.5 * MINUTE;
    await expect(tokens.token()).rejects.toMatchObject({ statusCode: 503, code: 'UNAVAILABLE' });
    state.authDown = false;
    await expect(tokens.token()).resolves.not.toBe(first);
  });

  test('when a token was refused, then the next caller gets a new one', async () => {
    const { tokens, state } = provider();
    const first = await tokens.token();
    tokens.reject('some older token');
    await expect(tokens.token()).resolves.toBe(first);
    tokens.reject(first);
    const second = await tokens.token();
    expect(second).not.toBe(first);
    expect(state.requests).toBe(2);
  });

  test('when the client secret is wrong, then 503 UNAVAILABLE and nothing is cached', async () => {
    const { tokens, state } = provider({ clientSecret: 'not-the-secret-0123456789' });
    await expect(tokens.token()).rejects.toMatchObject({ statusCode: 503, code: 'UNAVAILABLE' });
    await expect(tokens.token()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(state.requests).toBe(2);
  });
});
