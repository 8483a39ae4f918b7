// archive-service's HTTP surface, route by route from its own OpenAPI document and route table,
// against the real MongoDB-wire server (a route added later is covered here automatically, or
// fails the coverage test):
// - coverage: every served route documented or known hidden; every operation needs a bearer
//   token or is public for a stated reason;
// - the JWT negative suite at every protected route: 401 with `WWW-Authenticate: Bearer
//   error="invalid_token"` and no document written or deleted. Its `service-token` case is a
//   legitimate caller here (services read and write the archive with client-credentials tokens),
//   so where a user is required (cleanup: admins) it is a 403, and elsewhere its scopes decide;
// - authorisation: another user's history (`/archive/users/:userId`) is a 403, the batch
//   endpoint refuses user tokens (even an admin's) and the cleanup refuses everyone but admins,
//   with nothing written or deleted;
// - the NoSQL and SQL injection corpora at every query parameter, body field and path parameter:
//   refused values are a 400 (a 4xx in the path) and change nothing; accepted ones (a SQL string
//   as a message text) are stored and read back verbatim;
// - path parameters over the router's limit: a 400 in the documented error body (Fastify's own
//   414 before — a schemathesis finding).
import { randomUUID } from 'node:crypto';
import {
  bodyFields,
  fillPath,
  injectionValues,
  jwtNegativeCases,
  malformedAuthorizations,
  nosqlInjectionValues,
  openApiOperations,
  queryStringInjections,
  schemaAccepts,
  sqlInjectionStrings,
  undocumentedRoutes,
  validToken,
  withField,
  type JwtCaseOptions,
  type JwtNegativeCase,
  type OpenApiDocument,
  type Operation,
  injectCaller,
  withQuery,
} from '@falablau/common/testing';
import type { ChatMessage } from '@falablau/common/contracts';
import { makeMessage, roomMessages } from '../testing/messages.js';
import {
  createTestArchiveApp,
  testAudience,
  testIssuer,
  type TestArchiveApp,
} from '../testing/test-app.js';

const hiddenRoutes = ['GET /metrics', 'GET /openapi.json'];
const publicOperations: Record<string, string> = {
  'GET /health': 'liveness probe',
  'GET /ready': 'readiness probe',
};

let app: TestArchiveApp;
let doc: OpenApiDocument;
let operations: Operation[];
const me = { userId: randomUUID(), sessionId: randomUUID() };
const other = randomUUID();
const roomId = randomUUID();
let jwt: JwtCaseOptions;
let cases: JwtNegativeCase[];
let userToken: string;
let adminToken: string;
let writerToken: string;
let readerToken: string;

beforeAll(async () => {
  app = await createTestArchiveApp('security');
  await app.start();
  doc = app.http.swagger() as OpenApiDocument;
  operations = openApiOperations(doc);
  jwt = {
    key: app.signingKey,
    issuer: testIssuer,
    audience: testAudience,
    subject: { sub: me.userId, sid: me.sessionId, username: 'mallory' },
  };
  cases = await jwtNegativeCases(jwt);
  userToken = await validToken(jwt);
  adminToken = await app.userToken({ role: 'admin' });
  writerToken = await app.serviceToken('mover', ['archive:write']);
  readerToken = await app.serviceToken('reader', ['archive:read']);
  await app.store.upsertMany([
    ...roomMessages(5, { roomId, userIds: [me.userId, other] }),
    ...roomMessages(3, { userIds: [other] }),
  ]);
}, 60_000);

afterAll(async () => {
  await app.dispose();
});

const documents = (): Promise<number> => app.mongo.db.collection('messages').countDocuments();

const call = injectCaller(() => app.http);

/** A valid request for each operation, and the kind of caller it is meant for. */
function validRequest(op: Operation): { url: string; body?: unknown; token: () => string } {
  const url = fillPath(op.path, { id: roomId, userId: me.userId });
  switch (op.key) {
    case 'POST /archive/messages':
      return { url, body: { messages: [makeMessage()] }, token: () => writerToken };
    case 'DELETE /archive/cleanup':
      // Far in the past: the positive control deletes nothing.
      return { url: `${url}?before=2000-01-01T00:00:00Z`, token: () => adminToken };
    default:
      return { url, token: () => userToken };
  }
}

const secured = (): Operation[] => operations.filter((op) => op.secured);

describe('route coverage', () => {
  test('when Fastify’s route table is compared with /openapi.json, then every route is documented', () => {
    expect(
      undocumentedRoutes(doc, app.http.printRoutes({ commonPrefix: false }), hiddenRoutes),
    ).toEqual([]);
  });

  test('when the operations are listed, then every one but the probes needs a bearer token', () => {
    expect(
      operations.filter((op) => !op.secured && publicOperations[op.key] === undefined),
    ).toEqual([]);
    expect(
      secured()
        .map((op) => op.key)
        .sort(),
    ).toEqual(
      expect.arrayContaining([
        'DELETE /archive/cleanup',
        'GET /archive/rooms/{id}',
        'GET /archive/users/{userId}',
        'POST /archive/messages',
      ]),
    );
  });
});

describe('JWT negative suite at every protected route', () => {
  test('when each route gets its rightful caller’s valid token, then it answers 200 (positive control)', async () => {
    for (const op of secured()) {
      const { url, body, token } = validRequest(op);
      const res = await call(op.method, url, { token: token(), body });
      expect({ op: op.key, status: res.statusCode }).toEqual({ op: op.key, status: 200 });
    }
  });

  test('when each forged, stale or misdirected token is sent, then 401 with the challenge, and nothing is written or deleted', async () => {
    const before = await documents();
    let sent = 0;
    for (const op of secured()) {
      for (const c of cases.filter((k) => k.id !== 'service-token')) {
        const { url, body } = validRequest(op);
        const res = await call(op.method, url, { token: c.token, body });
        const got = { route: op.key, case: c.id, status: res.statusCode };
        expect(got).toEqual({ ...got, status: 401 });
        expect({ ...got, challenge: res.headers['www-authenticate'] }).toEqual({
          ...got,
          challenge: expect.stringMatching(c.expected.wwwAuthenticate) as string,
        });
        expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
        sent += 1;
      }
    }
    expect(sent).toBe(secured().length * (cases.length - 1));
    expect(await documents()).toBe(before);
  });

  test('when a service token is used where a user is required (cleanup: admins only), then 403 and nothing deleted', async () => {
    const token = cases.find((c) => c.id === 'service-token')?.token ?? '';
    const before = await documents();
    const res = await call('DELETE', '/archive/cleanup', { token });
    expect(res.statusCode).toBe(403);
    expect(await documents()).toBe(before);
  });

  test('when the Authorization header is missing or malformed, or the token sits elsewhere, then 401', async () => {
    const before = await documents();
    for (const op of secured()) {
      for (const variant of malformedAuthorizations(userToken)) {
        const { url, body } = validRequest(op);
        const target = variant.query ? withQuery(url, variant.query) : url;
        const res = await call(op.method, target, { headers: variant.headers, body });
        expect({ op: op.key, variant: variant.id, status: res.statusCode }).toEqual({
          op: op.key,
          variant: variant.id,
          status: 401,
        });
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      }
    }
    expect(await documents()).toBe(before);
  });
});

describe('authorisation: whose data, which kind of caller', () => {
  test('when a user asks for another user’s history, then 403 and none of it is returned', async () => {
    const res = await call('GET', `/archive/users/${other}`, { token: userToken });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain(other);
    const own = await call('GET', `/archive/users/${me.userId}`, { token: userToken });
    expect(own.statusCode).toBe(200);
    const messages = own.json<{ messages: ChatMessage[] }>().messages;
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.userId === me.userId)).toBe(true);
  });

  test.each([
    ['userId', `userId=${other}`],
    ['user', `user=${other}`],
    ['as', `as=${other}`],
  ])(
    'when a user slips another user’s id into the query as %s, then 400',
    async (_label, query) => {
      const res = await call('GET', `/archive/users/${me.userId}?${query}`, { token: userToken });
      expect(res.statusCode).toBe(400);
    },
  );

  test('when a user (even an admin) posts a batch, then 403 insufficient_scope and nothing is stored', async () => {
    const before = await documents();
    for (const token of [userToken, adminToken, readerToken]) {
      const res = await call('POST', '/archive/messages', {
        token,
        body: { messages: [makeMessage({ userId: other })] },
      });
      expect(res.statusCode).toBe(403);
      expect(res.headers['www-authenticate']).toMatch(/insufficient_scope/);
    }
    expect(await documents()).toBe(before);
  });

  test('when anyone but an admin asks for a cleanup, then 403 and nothing is deleted', async () => {
    const before = await documents();
    for (const token of [userToken, writerToken, readerToken]) {
      const res = await call('DELETE', `/archive/cleanup?before=${new Date().toISOString()}`, {
        token,
      });
      expect(res.statusCode).toBe(403);
    }
    expect(await documents()).toBe(before);
  });
});

describe('injection corpora at every query parameter, body field and path parameter', () => {
  test('when each query-string attack goes into each query parameter, then 400 and nothing changes', async () => {
    const before = await documents();
    let requests = 0;
    for (const op of secured()) {
      const { url, token } = validRequest(op);
      const path = url.split('?')[0] ?? url;
      for (const param of op.queryParams) {
        for (const injection of queryStringInjections) {
          const res = await call(op.method, `${path}?${injection.query(param.name)}`, {
            token: token(),
          });
          requests += 1;
          expect({
            route: op.key,
            param: param.name,
            attack: injection.id,
            status: res.statusCode,
          }).toEqual({
            route: op.key,
            param: param.name,
            attack: injection.id,
            status: 400,
          });
        }
      }
    }
    expect(requests).toBeGreaterThan(500);
    expect(await documents()).toBe(before);
  }, 120_000);

  test('when each corpus value goes into each field of a batch, then refused values are 400 with nothing stored and accepted ones are stored verbatim', async () => {
    const op = secured().find((o) => o.key === 'POST /archive/messages');
    if (!op?.body) throw new Error('POST /archive/messages has no documented body');
    let requests = 0;
    for (const field of bodyFields(op.body)) {
      for (const { id, value } of injectionValues) {
        const message = makeMessage();
        const body = withField({ messages: [message] }, field.path, value);
        const before = await documents();
        const res = await call('POST', '/archive/messages', { token: writerToken, body });
        const after = await documents();
        requests += 1;
        const got = { field: field.name, value: id, status: res.statusCode };
        expect(got.status).toBeLessThan(500);
        if (!schemaAccepts(field.schema, value) || res.statusCode >= 400) {
          if (!schemaAccepts(field.schema, value)) expect(got).toEqual({ ...got, status: 400 });
          expect({ ...got, documents: after }).toEqual({ ...got, documents: before });
          continue;
        }
        expect({ ...got, documents: after }).toEqual({ ...got, documents: before + 1 });
        const stored = (body as { messages: ChatMessage[] }).messages[0];
        const read = await call('GET', `/archive/rooms/${stored?.roomId ?? ''}`, {
          token: readerToken,
        });
        expect(read.json<{ messages: ChatMessage[] }>().messages).toEqual([stored]);
      }
    }
    expect(requests).toBeGreaterThan(300);
  }, 120_000);

  test('when corpus values go into each path parameter, then a 4xx in the error body and nothing changes', async () => {
    const before = await documents();
    const values = [
      ...sqlInjectionStrings,
      ...nosqlInjectionValues.map((v) => JSON.stringify(v.value)),
      '../../archive/cleanup',
      '.*',
      'a'.repeat(101),
      'a'.repeat(5_000),
    ];
    for (const op of secured().filter((o) => o.pathParams.length > 0)) {
      for (const value of values) {
        const url = fillPath(
          op.path,
          Object.fromEntries(op.pathParams.map((p) => [p.name, value])),
        );
        const res = await call(op.method, url, { token: adminToken });
        const got = { route: op.key, value: value.slice(0, 40), status: res.statusCode };
        // A value the parameter's schema accepts is just an id (`1e309` is a valid user id).
        const accepted = op.pathParams.every((p) => schemaAccepts(p.schema ?? {}, value));
        const expected = accepted
          ? res.statusCode < 500
          : res.statusCode >= 400 && res.statusCode < 500;
        expect({ ...got, accepted, asExpected: expected }).toEqual({
          ...got,
          accepted,
          asExpected: true,
        });
        if (!accepted) {
          expect(res.json()).toMatchObject({
            error: { code: expect.any(String) as string, message: expect.any(String) as string },
          });
        }
      }
    }
    expect(await documents()).toBe(before);
  });

  test('when a path parameter is longer than the router allows, then 400 VALIDATION_FAILED (not Fastify’s 414)', async () => {
    const res = await call('GET', `/archive/users/${'u'.repeat(101)}`, { token: adminToken });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'A path parameter is too long' },
    });
  });

  test('when start and end are both malformed, then 400 (was a 500 — schemathesis)', async () => {
    const zeros = '0'.repeat(64);
    const res = await call('GET', `/archive/rooms/${roomId}?start=${zeros}&end=${zeros}`, {
      token: userToken,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});
