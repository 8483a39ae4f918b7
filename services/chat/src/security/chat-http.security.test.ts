// chat-service's REST surface, route by route from its own OpenAPI document and route table (a
// route added later is covered by every suite here, or fails the coverage test):
// - coverage: every served route is documented or known hidden; every operation needs a bearer
//   token or is public for a stated reason;
// - the JWT negative suite at every protected route: 401, `WWW-Authenticate: Bearer
//   error="invalid_token"`, and no room, member or message created;
// - the NoSQL and SQL injection corpora at every body field, query parameter and path
//   parameter: refused values are a 400 (a 4xx for path parameters) with no effect, accepted ones
//   (a SQL string is a fine room name) are stored verbatim and change exactly one room;
// - someone else's user id in a body or query is refused; unknown rooms are 404;
// - oversized bodies, room names and topics: a fast 4xx, nothing stored;
// - room creation floods: ROOM_CREATE_RATE_LIMIT's default (10 per minute per user), then 429
//   with Retry-After; other users are unaffected.
import { randomUUID } from 'node:crypto';
import {
  bodyFields,
  exampleFromSchema,
  fillPath,
  injectionValues,
  jwtNegativeCases,
  malformedAuthorizations,
  nosqlInjectionValues,
  openApiOperations,
  oversizedInputs,
  oversizedString,
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
import type { Room } from '@falablau/common/contracts';
import { sql } from 'kysely';
import {
  createTestChatApp,
  testAudience,
  testIssuer,
  type TestChatApp,
} from '../routes/test-app.js';

const hiddenRoutes = ['GET /metrics', 'GET /openapi.json'];
const publicOperations: Record<string, string> = {
  'GET /health': 'liveness probe',
  'GET /ready': 'readiness probe',
};

let app: TestChatApp;
let doc: OpenApiDocument;
let operations: Operation[];
const me = { userId: randomUUID(), username: 'mallory', sessionId: randomUUID() };
let jwt: JwtCaseOptions;
let cases: JwtNegativeCase[];
let myToken: string;
let room: Room;

beforeAll(async () => {
  // Room creation unlimited here: the corpora create rooms; the flood test has its own app.
  app = await createTestChatApp('chat_security_http', {
    config: { roomCreateRateLimit: { points: 1_000_000, durationMs: 1_000 } },
  });
  await app.http.ready();
  doc = app.http.swagger() as OpenApiDocument;
  operations = openApiOperations(doc);
  jwt = {
    key: app.signingKey,
    issuer: testIssuer,
    audience: testAudience,
    subject: { sub: me.userId, sid: me.sessionId, username: me.username },
  };
  cases = await jwtNegativeCases(jwt);
  myToken = await validToken(jwt);
  const res = await call('POST', '/rooms', {
    token: myToken,
    body: { name: `own-${randomUUID()}` },
  });
  room = res.json<Room>();
}, 60_000);

afterAll(async () => {
  await app.dispose();
});

const call = injectCaller(() => app.http);

interface Counts {
  rooms: number;
  members: number;
  messages: number;
}

async function counts(): Promise<Counts> {
  const { rows } = await sql<{ rooms: string; members: string; messages: string }>`
    select (select count(*) from rooms) as rooms,
           (select count(*) from room_members) as members,
           (select count(*) from messages) as messages`.execute(app.database.db);
  const row = rows[0] ?? { rooms: '-1', members: '-1', messages: '-1' };
  return { rooms: Number(row.rooms), members: Number(row.members), messages: Number(row.messages) };
}

/** A valid request for each operation: real ids in the path, a fresh room name in the body. */
function validRequest(op: Operation): { url: string; body?: unknown } {
  const url = fillPath(
    op.path,
    Object.fromEntries(op.pathParams.map((p) => [p.name, p.name === 'id' ? room.id : 'x'])),
  );
  if (op.key === 'POST /rooms') return { url, body: { name: `room-${randomUUID()}` } };
  return op.body ? { url, body: exampleFromSchema(op.body) } : { url };
}

const secured = (): Operation[] => operations.filter((op) => op.secured);

describe('route coverage', () => {
  test('when Fastify’s route table is compared with /openapi.json, then every route is documented', () => {
    expect(
      undocumentedRoutes(doc, app.http.printRoutes({ commonPrefix: false }), hiddenRoutes),
    ).toEqual([]);
  });

  test('when the operations are listed, then every one but the probes needs a bearer token', () => {
    const unclassified = operations
      .filter((op) => !op.secured && publicOperations[op.key] === undefined)
      .map((op) => op.key);
    expect(unclassified).toEqual([]);
    expect(secured().map((op) => op.key)).toEqual(
      expect.arrayContaining([
        'GET /rooms',
        'POST /rooms',
        'GET /rooms/{id}',
        'GET /rooms/{id}/messages',
      ]),
    );
  });
});

describe('JWT negative suite at every protected route', () => {
  test('when the token is built like the forgeries with nothing wrong, then every route accepts it', async () => {
    for (const op of secured()) {
      const { url, body } = validRequest(op);
      const res = await call(op.method, url, { token: myToken, body });
      expect({ op: op.key, ok: res.statusCode >= 200 && res.statusCode < 300 }).toEqual({
        op: op.key,
        ok: true,
      });
    }
  });

  test('when each forged, stale or misdirected token is sent, then 401 with the challenge, and nothing is stored', async () => {
    const before = await counts();
    let sent = 0;
    for (const op of secured()) {
      for (const c of cases) {
        const { url, body } = validRequest(op);
        const res = await call(op.method, url, { token: c.token, body });
        const got = { route: op.key, case: c.id, status: res.statusCode };
        expect(got).toEqual({ ...got, status: 401 });
        expect({ ...got, challenge: res.headers['www-authenticate'] }).toEqual({
          ...got,
          challenge: expect.stringMatching(c.expected.wwwAuthenticate) as string,
        });
        expect({ ...got, error: res.json<{ error: unknown }>().error }).toEqual({
          ...got,
          error: {
            code: 'UNAUTHORIZED',
            message: expect.stringMatching(c.expected.message) as string,
          },
        });
        sent += 1;
      }
    }
    expect(sent).toBe(secured().length * cases.length);
    expect(await counts()).toEqual(before);
  });

  test('when the Authorization header is missing or malformed, or the token sits elsewhere, then 401', async () => {
    const before = await counts();
    for (const op of secured()) {
      for (const variant of malformedAuthorizations(myToken)) {
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
    expect(await counts()).toEqual(before);
  });
});

describe('injection corpora at every body field, query parameter and path parameter', () => {
  test('when each corpus value goes into each body field, then refused values are 400 with no effect and accepted ones are stored verbatim', async () => {
    let requests = 0;
    for (const op of secured().filter((o) => o.body)) {
      for (const field of bodyFields(op.body ?? {})) {
        for (const { id, value } of injectionValues) {
          const { url, body: base } = validRequest(op);
          const body = withField(base, field.path, value);
          const before = await counts();
          const res = await call(op.method, url, { token: myToken, body });
          const after = await counts();
          requests += 1;
          const got = { route: op.key, field: field.name, value: id, status: res.statusCode };
          expect(got.status).toBeLessThan(500);
          if (!schemaAccepts(field.schema, value)) {
            expect(got).toEqual({ ...got, status: 400 });
            expect({ ...got, counts: after }).toEqual({ ...got, counts: before });
            continue;
          }
          if (res.statusCode >= 400) {
            expect({ ...got, counts: after }).toEqual({ ...got, counts: before });
            continue;
          }
          // POST /rooms with a SQL string as its name or topic: one room, named exactly that.
          expect({ ...got, counts: after }).toEqual({
            ...got,
            counts: { ...before, rooms: before.rooms + 1, members: before.members + 1 },
          });
          const created = res.json<Room>();
          const stored = field.name === 'name' ? created.name : created.topic;
          expect(stored).toBe(String(value).trim());
          const fetched = await call('GET', `/rooms/${created.id}`, { token: myToken });
          expect(fetched.json<Room>()).toMatchObject({
            id: created.id,
            name: created.name,
            topic: created.topic,
          });
        }
      }
    }
    expect(requests).toBeGreaterThan(80);
  });

  test('when each query-string attack goes into each query parameter, then 400', async () => {
    let requests = 0;
    for (const op of secured()) {
      for (const param of op.queryParams) {
        for (const injection of queryStringInjections) {
          const { url } = validRequest(op);
          const res = await call(op.method, `${url}?${injection.query(param.name)}`, {
            token: myToken,
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
    expect(requests).toBeGreaterThan(50);
  });

  test('when corpus values go into each path parameter, then a 4xx and nothing changes', async () => {
    const before = await counts();
    const values = [
      ...sqlInjectionStrings,
      ...nosqlInjectionValues.map((v) => JSON.stringify(v.value)),
      '../../rooms',
      '%00',
      oversizedString(150),
    ];
    for (const op of secured().filter((o) => o.pathParams.length > 0)) {
      for (const value of values) {
        const url = fillPath(
          op.path,
          Object.fromEntries(op.pathParams.map((p) => [p.name, value])),
        );
        const res = await call(op.method, url, { token: myToken });
        expect({
          route: op.key,
          value,
          status: res.statusCode >= 400 && res.statusCode < 500,
        }).toEqual({
          route: op.key,
          value,
          status: true,
        });
      }
    }
    expect(await counts()).toEqual(before);
  });
});

describe('someone else’s id, unknown rooms', () => {
  const other = randomUUID();

  test.each([
    ['createdBy in the body', { createdBy: other }],
    ['userId in the body', { userId: other }],
    ['a member list in the body', { members: [other] }],
  ])('when POST /rooms carries %s, then 400 and no room', async (_label, extra) => {
    const before = await counts();
    const res = await call('POST', '/rooms', {
      token: myToken,
      body: { name: `x-${randomUUID()}`, ...extra },
    });
    expect(res.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  test.each([['userId'], ['user'], ['createdBy'], ['as']])(
    'when history is asked for with %s=<another user>, then 400',
    async (param) => {
      const res = await call('GET', `/rooms/${room.id}/messages?${param}=${other}`, {
        token: myToken,
      });
      expect(res.statusCode).toBe(400);
    },
  );

  test('when a room that does not exist is read, then 404 ROOM_NOT_FOUND', async () => {
    for (const url of [`/rooms/${randomUUID()}`, `/rooms/${randomUUID()}/messages`]) {
      const res = await call('GET', url, { token: myToken });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'ROOM_NOT_FOUND' } });
    }
  });
});

describe('oversized input', () => {
  test.each([
    ['a 1 MiB body', { name: 'x', topic: oversizedString(oversizedInputs.httpBodyBytes) }, 413],
    ['a 65-character room name', { name: 'n'.repeat(65) }, 400],
    ['a 10 000-character room name', { name: oversizedString(10_000) }, 400],
    ['a 257-character topic', { name: `t-${randomUUID()}`, topic: 't'.repeat(257) }, 400],
    [
      'a 10 000-character topic',
      { name: `t-${randomUUID()}`, topic: oversizedString(10_000) },
      400,
    ],
    ['a name of 65 emoji', { name: '😀'.repeat(65) }, 400],
    ['a name with a NUL character', { name: `nul\u0000${randomUUID()}` }, 400],
    ['a topic with a NUL character', { name: `t-${randomUUID()}`, topic: 'a\u0000b' }, 400],
  ])(
    'when POST /rooms gets %s, then a fast 4xx and nothing stored',
    async (_label, body, status) => {
      const before = await counts();
      const started = performance.now();
      const res = await call('POST', '/rooms', { token: myToken, body });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ error: { code: expect.any(String) as string } });
      expect(await counts()).toEqual(before);
    },
  );
});

describe('room creation floods (default ROOM_CREATE_RATE_LIMIT, 10 per minute per user)', () => {
  let flooded: TestChatApp;
  beforeAll(async () => {
    flooded = await createTestChatApp('chat_security_flood');
  }, 30_000);
  afterAll(async () => {
    await flooded.dispose();
  });

  test('when a user creates rooms in a loop, then the 11th is 429 with Retry-After, only 10 exist, and others still can', async () => {
    const spammer = await flooded.tokenFor({ userId: randomUUID(), username: 'spammer' });
    const create = (token: string) =>
      flooded.http.inject({
        method: 'POST',
        url: '/rooms',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: `flood-${randomUUID()}` }),
      });
    const answers = await Promise.all(Array.from({ length: 25 }, () => create(spammer)));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const limited = answers.find((a) => a.statusCode === 429);
    expect(limited?.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(limited?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const { rows } = await sql<{ n: string }>`select count(*) as n from rooms`.execute(
      flooded.database.db,
    );
    expect(Number(rows[0]?.n)).toBe(10);

    const bystander = await flooded.tokenFor({ userId: randomUUID(), username: 'bystander' });
    expect((await create(bystander)).statusCode).toBe(201);
  });

  test('when the body is invalid, then it does not count against the allowance', async () => {
    const user = await flooded.tokenFor({ userId: randomUUID(), username: 'clumsy' });
    for (let i = 0; i < 30; i += 1) {
      const res = await flooded.http.inject({
        method: 'POST',
        url: '/rooms',
        headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: '' }),
      });
      expect(res.statusCode).toBe(400);
    }
    const res = await flooded.http.inject({
      method: 'POST',
      url: '/rooms',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: `fine-${randomUUID()}` }),
    });
    expect(res.statusCode).toBe(201);
  });
});
