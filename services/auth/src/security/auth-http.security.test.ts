// auth-service's HTTP surface, route by route from its own OpenAPI document and route table (a
// route added later is covered by every suite here, or fails the coverage test until it is
// documented and classified):
// - coverage: every route Fastify serves is documented (or known to be hidden), and every
//   operation either requires a bearer token or is listed below as public, with the reason;
// - the JWT negative suite (@falablau/common/testing) at every route that takes a bearer token,
//   forged against auth's own signing key for a real user's real session: each is a 401 with
//   `WWW-Authenticate: Bearer error="invalid_token"`, and nothing changes (a forged token naming
//   the victim's session must not log it out);
// - the NoSQL and SQL injection corpora at every body field and query parameter: what the schema
//   refuses is a 400 with no effect; what it accepts is ordinary input (a SQL string is a fine
//   password) that changes exactly what the request legitimately asked for; never a 5xx, never a
//   pg_sleep that ran, and every table still there.
import {
  bodyFields,
  exampleFromSchema,
  injectionValues,
  jwtNegativeCases,
  malformedAuthorizations,
  openApiOperations,
  queryStringInjections,
  schemaAccepts,
  undocumentedRoutes,
  validToken,
  withField,
  type JwtCaseOptions,
  type JwtNegativeCase,
  type OpenApiDocument,
  type Operation,
} from '@falablau/common/testing';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { TokenResponse } from '../routes/schemas.js';
import {
  startTestAuthApp,
  testAudience,
  testIssuer,
  type TestAuthApp,
} from '../testing/auth-test-app.js';
import { login, password, post, registerUser, uniqueUsername } from '../testing/requests.js';

/** Served but deliberately not in the document. */
const hiddenRoutes = ['GET /metrics', 'GET /openapi.json'];

/** Operations without bearer security, each with the reason it needs none. */
const publicOperations: Record<string, string> = {
  'GET /health': 'liveness probe',
  'GET /ready': 'readiness probe',
  'POST /register': 'creates the account: nobody has a token yet',
  'POST /login': 'the credentials are the body',
  'POST /refresh': 'the refresh token in the body is the credential',
  'POST /logout': 'a refresh token in the body, or a bearer token (tested below)',
  'POST /verify': 'the token to check is the body',
  'GET /.well-known/jwks.json': 'public keys, by definition public',
  'GET /.well-known/oauth-authorization-server': 'RFC 8414 metadata',
  'POST /oauth/token': 'client credentials (HTTP Basic or form)',
};

/** Public operations that act on a bearer token when one is sent. */
const bearerOptional = ['POST /logout'];

let t: TestAuthApp;
let doc: OpenApiDocument;
let operations: Operation[];
/** The user whose session the forgeries name. */
let victim: TokenResponse;
let jwt: JwtCaseOptions;
let cases: JwtNegativeCase[];

beforeAll(async () => {
  t = await startTestAuthApp();
  doc = t.app.swagger() as OpenApiDocument;
  operations = openApiOperations(doc);
  victim = await registerUser(t.app, uniqueUsername('victim'));
  jwt = {
    key: t.signingKeys.current,
    issuer: testIssuer,
    audience: testAudience,
    subject: {
      sub: victim.user.id,
      sid: victim.sessionId,
      username: victim.user.username,
      role: victim.user.role,
    },
    refreshToken: victim.refreshToken,
  };
  cases = await jwtNegativeCases(jwt);
}, 60_000);

afterAll(async () => {
  await t.dispose();
});

interface Counts {
  users: number;
  sessions: number;
  active: number;
}

async function counts(): Promise<Counts> {
  const row = await sql<{ users: string; sessions: string; active: string }>`
    select (select count(*) from users) as users,
           (select count(*) from sessions) as sessions,
           (select count(*) from sessions where revoked_at is null) as active`.execute(t.db);
  const { users, sessions, active } = row.rows[0] ?? { users: '-1', sessions: '-1', active: '-1' };
  return { users: Number(users), sessions: Number(sessions), active: Number(active) };
}

async function victimSessionActive(): Promise<boolean> {
  const row = await t.db
    .selectFrom('sessions')
    .select('revoked_at')
    .where('id', '=', victim.sessionId)
    .executeTakeFirstOrThrow();
  return row.revoked_at === null;
}

function call(
  op: Operation,
  options: { headers?: Record<string, string>; query?: string; body?: unknown } = {},
): Promise<LightMyRequestResponse> {
  const url = `${op.path}${options.query ? `?${options.query}` : ''}`;
  return t.app.inject({
    method: op.method,
    url,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
}

const bearerOperations = (): Operation[] =>
  operations.filter((op) => op.secured || bearerOptional.includes(op.key));

describe('route coverage', () => {
  test('when Fastify’s route table is compared with /openapi.json, then every route is documented', () => {
    const table = t.app.printRoutes({ commonPrefix: false });
    expect(undocumentedRoutes(doc, table, hiddenRoutes)).toEqual([]);
  });

  test('when the operations are listed, then each needs a bearer token or is public for a stated reason', () => {
    const unclassified = operations
      .filter((op) => !op.secured && publicOperations[op.key] === undefined)
      .map((op) => op.key);
    expect(unclassified).toEqual([]);
    // No stale entries: each public operation still exists and still declares no security.
    const keys = new Set(operations.filter((op) => !op.secured).map((op) => op.key));
    expect(Object.keys(publicOperations).filter((key) => !keys.has(key))).toEqual([]);
    expect(bearerOperations().map((op) => op.key)).toEqual(
      expect.arrayContaining(['GET /users/me', 'POST /logout']),
    );
  });
});

describe('JWT negative suite at every route that takes a bearer token', () => {
  test('when a token is built like the forgeries with nothing wrong, then each route accepts it', async () => {
    for (const op of bearerOperations()) {
      // A session of its own: the control of POST /logout ends the session it names.
      const session = await login(t.app, victim.user.username);
      const token = await validToken({
        ...jwt,
        subject: { ...jwt.subject, sid: session.sessionId },
      });
      const res = await call(op, { headers: { authorization: `Bearer ${token}` } });
      expect({ op: op.key, success: res.statusCode >= 200 && res.statusCode < 300 }).toEqual({
        op: op.key,
        success: true,
      });
    }
  });

  test('when each forged, stale or misdirected token is sent, then 401 with the challenge, and nothing changed', async () => {
    const before = await counts();
    const seen: string[] = [];
    for (const op of bearerOperations()) {
      for (const c of cases) {
        const res = await call(op, { headers: { authorization: `Bearer ${c.token}` } });
        const got = {
          route: op.key,
          case: c.id,
          status: res.statusCode,
          code: res.json<{ error?: { code?: string } }>().error?.code,
        };
        expect(got).toEqual({ ...got, status: c.expected.status, code: c.expected.code });
        expect({ ...got, challenge: res.headers['www-authenticate'] }).toEqual({
          ...got,
          challenge: expect.stringMatching(c.expected.wwwAuthenticate) as string,
        });
        expect({
          ...got,
          message: res.json<{ error: { message: string } }>().error.message,
        }).toEqual({ ...got, message: expect.stringMatching(c.expected.message) as string });
        seen.push(`${op.key} ${c.id}`);
      }
    }
    expect(seen).toHaveLength(bearerOperations().length * cases.length);
    expect(await victimSessionActive()).toBe(true);
    expect(await counts()).toEqual(before);
  });

  test('when the Authorization header is missing or malformed, or the token sits elsewhere, then 401 Bearer', async () => {
    for (const op of bearerOperations()) {
      for (const variant of malformedAuthorizations(victim.accessToken)) {
        const res = await call(op, { headers: variant.headers, query: variant.query });
        expect({ op: op.key, variant: variant.id, status: res.statusCode }).toEqual({
          op: op.key,
          variant: variant.id,
          status: 401,
        });
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      }
    }
    expect(await victimSessionActive()).toBe(true);
  });

  test('when all that is over, then the victim’s session still works (its refresh token rotates)', async () => {
    const res = await post(t.app, '/refresh', { refreshToken: victim.refreshToken });
    expect(res.statusCode).toBe(200);
  });
});

describe('NoSQL and SQL injection at every body field and query parameter', () => {
  // A username with its own login-failure budget, away from the victim's.
  let target = '';
  beforeAll(async () => {
    target = (await registerUser(t.app, uniqueUsername('target'))).user.username;
  });

  /** A valid body for each operation (fresh where a repeat would conflict). */
  const baseBody = (op: Operation): unknown => {
    switch (op.key) {
      case 'POST /register':
        return { username: uniqueUsername('inj'), password };
      case 'POST /login':
        return { username: target, password };
      case 'POST /oauth/token':
        return {
          grant_type: 'client_credentials',
          client_id: 'nobody',
          client_secret: 'x'.repeat(20),
        };
      default:
        return op.body ? exampleFromSchema(op.body) : undefined;
    }
  };

  test('when each corpus value goes into each field, then a refused value is a 400 with no effect and an accepted one does only what it legitimately asks', async () => {
    let requests = 0;
    for (const op of operations.filter((o) => o.body)) {
      for (const field of bodyFields(op.body ?? {})) {
        for (const { id, value } of injectionValues) {
          const body = withField(baseBody(op), field.path, value);
          const before = await counts();
          const started = performance.now();
          const res = await call(op, { body });
          const ms = performance.now() - started;
          const after = await counts();
          requests += 1;
          const accepted = schemaAccepts(field.schema, value);
          const got = { route: op.key, field: field.name, value: id, status: res.statusCode };
          expect(got.status).toBeLessThan(500);
          // pg_sleep(3) that ran would show here.
          expect({ ...got, slow: ms >= 2_900 }).toEqual({ ...got, slow: false });
          if (!accepted || res.statusCode >= 400) {
            if (!accepted) expect(got).toEqual({ ...got, status: 400 });
            expect({ ...got, counts: after }).toEqual({ ...got, counts: before });
            continue;
          }
          // Accepted and succeeded: only register and login may, and only as themselves.
          const tokens = res.json<TokenResponse>();
          if (op.key === 'POST /register') {
            expect(after).toEqual({
              users: before.users + 1,
              sessions: before.sessions + 1,
              active: before.active + 1,
            });
            expect(tokens.user.username).toBe((body as { username: string }).username);
          } else {
            expect({ ...got, success: op.key }).toEqual({ ...got, success: 'POST /login' });
            expect(after).toEqual({
              ...before,
              sessions: before.sessions + 1,
              active: before.active + 1,
            });
            // Whoever the body names (the register case may have created that account).
            expect(tokens.user.username.toLowerCase()).toBe(
              (body as { username: string }).username.toLowerCase(),
            );
          }
        }
      }
      for (const param of op.queryParams) {
        for (const injection of queryStringInjections) {
          const res = await call(op, { query: injection.query(param.name), body: baseBody(op) });
          requests += 1;
          expect({
            route: op.key,
            param: param.name,
            id: injection.id,
            status: res.statusCode,
          }).toEqual({ route: op.key, param: param.name, id: injection.id, status: 400 });
        }
      }
    }
    expect(requests).toBeGreaterThan(300);
  }, 180_000);

  test('when the corpus has passed, then every table is still there and the accounts still log in', async () => {
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'auth'
      order by table_name`.execute(t.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['login_failures', 'refresh_tokens', 'sessions', 'users']),
    );
    await expect(login(t.app, target)).resolves.toMatchObject({ user: { username: target } });
  });
});
