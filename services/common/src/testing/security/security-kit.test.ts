// The security kit checks itself: every forged token fails common's verifiers for the reason it
// claims (and the positive control passes), the route-table parser and example builder agree
// with the schemas they read, and the corpora are storable input.
import { randomUUID } from 'node:crypto';
import { createAccessTokenVerifier } from '../../jwt/access-token-verifier.js';
import { createCallerVerifier } from '../../jwt/service-token.js';
import { createTestSigningKey, type TestSigningKey } from '../../jwt/test-keys.js';
import { AppError } from '../../errors.js';
import { queryStringInjections, injectionValues } from './injection-corpus.js';
import {
  jwtNegativeCases,
  validToken,
  type JwtCaseOptions,
  type JwtNegativeCase,
} from './jwt-negative-cases.js';
import {
  bodyFields,
  exampleFromSchema,
  fillPath,
  openApiOperations,
  routesFromPrintRoutes,
  schemaAccepts,
  undocumentedRoutes,
  withField,
  type JsonSchema,
  type OpenApiDocument,
} from './openapi-operations.js';
import { xssCorpus, xssRoomNames } from './xss-corpus.js';

const issuer = 'falablau-auth';
const audience = 'falablau';
let key: TestSigningKey;
let options: JwtCaseOptions;
let cases: JwtNegativeCase[];

beforeAll(async () => {
  key = await createTestSigningKey('kit-key');
  options = {
    key,
    issuer,
    audience,
    subject: { sub: randomUUID(), sid: randomUUID(), username: 'kit' },
  };
  cases = await jwtNegativeCases(options);
});

const keySet = () => ({ keys: [key.publicJwk] });

async function failure(verify: () => Promise<unknown>): Promise<AppError> {
  const outcome = await verify().then(
    () => new Error('verified, but should have been refused'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof AppError)) throw outcome;
  return outcome;
}

describe('jwtNegativeCases', () => {
  test('when nothing is changed, then the user verifier accepts the token (positive control)', async () => {
    const verifier = createAccessTokenVerifier({ keySet: keySet(), issuer, audience });
    await expect(verifier.verify(await validToken(options))).resolves.toMatchObject({
      userId: options.subject.sub,
      sessionId: options.subject.sid,
    });
  });

  test('when the factory runs, then it covers every case the security suites promise', () => {
    expect(cases.map((c) => c.id).sort()).toEqual(
      [
        'alg-none',
        'alg-none-unsigned-kept-signature',
        'another-key',
        'another-key-under-our-kid',
        'audience-list-without-ours',
        'embedded-jwk-header',
        'empty-signature',
        'expired',
        'hs256-with-public-jwk',
        'hs256-with-public-key-pem',
        'missing-exp',
        'missing-kid',
        'missing-sid',
        'missing-sub',
        'not-yet-valid',
        'opaque-garbage',
        'refresh-token',
        'service-token',
        'tampered-payload',
        'tampered-signature',
        'typ-jwt',
        'typ-missing',
        'unknown-crit-header',
        'unknown-kid',
        'unknown-role',
        'wrong-audience',
        'wrong-issuer',
      ].sort(),
    );
  });

  test('when each case meets the user verifier, then it is a 401 with the expected message and challenge', async () => {
    const verifier = createAccessTokenVerifier({ keySet: keySet(), issuer, audience });
    for (const c of cases) {
      const error = await failure(() => verifier.verify(c.token));
      expect({ id: c.id, status: error.statusCode, code: error.code }).toEqual({
        id: c.id,
        status: c.expected.status,
        code: c.expected.code,
      });
      expect({ id: c.id, message: error.message }).toEqual({
        id: c.id,
        message: expect.stringMatching(c.expected.message) as string,
      });
      expect(error.headers['www-authenticate']).toMatch(c.expected.wwwAuthenticate);
    }
  });

  test('when the service-token case meets the caller verifier, then it is a well-formed service token', async () => {
    // It is refused where a user is required only because of what it is, not how it is made.
    const verifier = createCallerVerifier({ keySet: keySet(), issuer, audience });
    const token = cases.find((c) => c.id === 'service-token')?.token ?? '';
    await expect(verifier.verify(token)).resolves.toMatchObject({ kind: 'service' });
  });
});

const sampleTree = [
  '├── /health (GET, HEAD)',
  '├── /rooms (GET, HEAD, POST)',
  '│   └── /:id (GET, HEAD)',
  '│       └── /messages (GET, HEAD)',
  '├── /archive/users/:userId (GET, HEAD)',
  '└── /archive/cleanup (DELETE)',
].join('\n');

describe('OpenAPI walk', () => {
  test('when Fastify prints its routes, then each method and full path is found', () => {
    expect(routesFromPrintRoutes(sampleTree)).toEqual([
      'GET /health',
      'GET /rooms',
      'POST /rooms',
      'GET /rooms/{id}',
      'GET /rooms/{id}/messages',
      'GET /archive/users/{userId}',
      'DELETE /archive/cleanup',
    ]);
  });

  const document: OpenApiDocument = {
    paths: {
      '/rooms': {
        get: { security: [{ bearerAuth: [] }] },
        post: {
          security: [{ bearerAuth: [] }],
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    name: { type: 'string', minLength: 1, maxLength: 64 },
                    tags: {
                      type: 'array',
                      minItems: 1,
                      items: {
                        type: 'object',
                        properties: { id: { type: 'string', format: 'uuid' } },
                        required: ['id'],
                        additionalProperties: false,
                      },
                    },
                  },
                  required: ['name', 'tags'],
                  additionalProperties: false,
                },
              },
            },
          },
        },
      },
      '/rooms/{id}': {
        get: {
          security: [{ bearerAuth: [] }],
          parameters: [{ name: 'id', in: 'path', schema: { type: 'string', format: 'uuid' } }],
        },
      },
      '/health': { get: {} },
    },
  };

  test('when the document is walked, then operations, security and parameters come out', () => {
    const ops = openApiOperations(document);
    expect(ops.map((op) => [op.key, op.secured])).toEqual([
      ['GET /rooms', true],
      ['POST /rooms', true],
      ['GET /rooms/{id}', true],
      ['GET /health', false],
    ]);
    expect(ops[2]?.pathParams.map((p) => p.name)).toEqual(['id']);
    expect(fillPath('/rooms/{id}', { id: 'a b' })).toBe('/rooms/a%20b');
    expect(undocumentedRoutes(document, sampleTree, ['DELETE /archive/cleanup'])).toEqual([
      'GET /rooms/{id}/messages',
      'GET /archive/users/{userId}',
    ]);
  });

  test('when an example is built from a body schema, then the schema accepts it, and refuses each broken field', () => {
    const body = openApiOperations(document)[1]?.body as JsonSchema;
    const example = exampleFromSchema(body);
    expect(schemaAccepts(body, example)).toBe(true);
    const fields = bodyFields(body);
    expect(fields.map((f) => f.name)).toEqual(['name', 'tags', 'tags[0].id']);
    for (const field of fields) {
      expect(schemaAccepts(body, withField(example, field.path, { $gt: '' }))).toBe(false);
    }
    expect(schemaAccepts(body, withField(example, ['name'], "' OR 1=1--"))).toBe(true);
    expect(schemaAccepts(body, withField(example, ['tags', 0, 'id'], "' OR 1=1--"))).toBe(false);
    expect(schemaAccepts(body, { ...(example as object), extra: 1 })).toBe(false);
  });
});

describe('corpora', () => {
  test('when the XSS corpus is stored through the APIs, then every payload is valid input', () => {
    expect(new Set(xssCorpus.map((p) => p.id)).size).toBe(xssCorpus.length);
    for (const { id, payload } of xssCorpus) {
      expect({ id, trimmed: payload.trim() === payload }).toEqual({ id, trimmed: true });
      expect(payload.length).toBeGreaterThan(0);
      expect(payload.length).toBeLessThanOrEqual(4000);
      expect(payload).not.toMatch(/\0/);
    }
    const names = xssRoomNames();
    expect(names.length).toBeGreaterThanOrEqual(20);
    expect(new Set(names.map((p) => p.payload.toLowerCase())).size).toBe(names.length);
    expect(names.every((p) => p.payload.length <= 64)).toBe(true);
    for (const vector of [
      'script',
      'event-handler',
      'javascript-url',
      'svg',
      'polyglot',
      'unicode',
    ]) {
      expect(xssCorpus.some((p) => p.vector === vector)).toBe(true);
    }
  });

  test('when the injection corpora are listed, then they hold operators, $where, $regex and SQL', () => {
    const json = JSON.stringify(injectionValues.map((v) => v.value));
    for (const marker of ['$gt', '$ne', '$where', '$regex', 'DROP TABLE', 'pg_sleep', 'UNION']) {
      expect(json).toContain(marker);
    }
    const queries = queryStringInjections.map((i) => i.query('start'));
    expect(queries).toContain('start[$ne]=1');
    expect(queries.every((query) => query.startsWith('start'))).toBe(true);
  });
});
