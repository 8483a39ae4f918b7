// Who may call what: every archive endpoint against every kind of caller.
import { randomUUID } from 'node:crypto';
import { makeMessage } from '../testing/messages.js';
import { createTestArchiveApp, type TestArchiveApp } from '../testing/test-app.js';

let app: TestArchiveApp;
const alice = randomUUID();
const roomId = randomUUID();

beforeAll(async () => {
  app = await createTestArchiveApp('auth');
  await app.start();
});

afterAll(async () => {
  await app.dispose();
});

type Caller =
  'none' | 'garbage' | 'alice' | 'admin' | 'svc:read' | 'svc:write' | 'svc:none' | 'svc:read+write';

async function authorization(caller: Caller): Promise<Record<string, string>> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  switch (caller) {
    case 'none':
      return {};
    case 'garbage':
      return bearer('eyJhbGciOiJub25lIn0.e30.');
    case 'alice':
      return bearer(await app.userToken({ userId: alice }));
    case 'admin':
      return bearer(await app.userToken({ role: 'admin' }));
    case 'svc:read':
      return bearer(await app.serviceToken('chat', ['archive:read']));
    case 'svc:write':
      return bearer(await app.serviceToken('chat', ['archive:write']));
    case 'svc:none':
      return bearer(await app.serviceToken('chat', []));
    case 'svc:read+write':
      return bearer(await app.serviceToken('chat', ['archive:write', 'archive:read']));
  }
}

const endpoints = {
  roomHistory: { method: 'GET', url: `/archive/rooms/${roomId}` },
  ownHistory: { method: 'GET', url: `/archive/users/${alice}` },
  otherHistory: { method: 'GET', url: `/archive/users/${randomUUID()}` },
  archiveBatch: { method: 'POST', url: '/archive/messages' },
  cleanup: { method: 'DELETE', url: '/archive/cleanup' },
} as const;

type Endpoint = keyof typeof endpoints;

async function call(endpoint: Endpoint, caller: Caller) {
  const { method, url } = endpoints[endpoint];
  return app.http.inject({
    method,
    url,
    headers: await authorization(caller),
    ...(method === 'POST'
      ? {
          payload: {
            messages: [makeMessage({ roomId, seq: 1 + Math.floor(Math.random() * 1e9) })],
          },
        }
      : {}),
  });
}

// endpoint, caller, expected status
const matrix: [Endpoint, Caller, number][] = [
  ['roomHistory', 'none', 401],
  ['roomHistory', 'garbage', 401],
  ['roomHistory', 'alice', 200],
  ['roomHistory', 'admin', 200],
  ['roomHistory', 'svc:read', 200],
  ['roomHistory', 'svc:write', 403],
  ['roomHistory', 'svc:none', 403],
  ['ownHistory', 'none', 401],
  ['ownHistory', 'alice', 200],
  ['otherHistory', 'alice', 403],
  ['otherHistory', 'admin', 200],
  ['otherHistory', 'svc:read', 200],
  ['otherHistory', 'svc:write', 403],
  ['archiveBatch', 'none', 401],
  ['archiveBatch', 'garbage', 401],
  ['archiveBatch', 'alice', 403],
  ['archiveBatch', 'admin', 403],
  ['archiveBatch', 'svc:read', 403],
  ['archiveBatch', 'svc:none', 403],
  ['archiveBatch', 'svc:write', 200],
  ['archiveBatch', 'svc:read+write', 200],
  ['cleanup', 'none', 401],
  ['cleanup', 'garbage', 401],
  ['cleanup', 'alice', 403],
  ['cleanup', 'svc:read+write', 403],
  ['cleanup', 'admin', 200],
];

describe('archive authorization', () => {
  test.each(matrix)('when %s is called by %s, then %i', async (endpoint, caller, status) => {
    const res = await call(endpoint, caller);
    expect(res.statusCode).toBe(status);
    if (status >= 400) {
      expect(res.json()).toMatchObject({
        error: { code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN' },
      });
    }
    if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  test('when a service lacks a scope, then the 403 names the scope it needs', async () => {
    const res = await call('archiveBatch', 'svc:read');
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", scope="archive:write"',
    );
  });

  test('when an anonymous caller sends an oversized batch, then 401 comes before the body is read', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/archive/messages',
      payload: { messages: 'x'.repeat(100_000) },
    });
    expect(res.statusCode).toBe(401);
  });

  test('when /health, /ready and /metrics are asked, then no token is needed', async () => {
    for (const url of ['/health', '/ready', '/metrics', '/openapi.json']) {
      expect((await app.http.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
  });
});
