import { z } from 'zod';
import { errors } from '../errors.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createHttpApp, type HttpApp } from './create-http-app.js';

let ready = true;
let app: HttpApp;

beforeAll(async () => {
  app = await createHttpApp({
    name: 'test',
    logger: createLogger({ name: 'test', level: 'silent' }),
    metrics: createMetrics({ service: 'test', defaultMetrics: false }),
    readiness: [
      {
        name: 'db',
        check: async () => {
          if (!ready) throw new Error('connection refused');
        },
      },
    ],
    openapi: { title: 'Test', version: '1.0.0', description: 'test' },
  });
  app.post(
    '/things',
    {
      schema: {
        body: z.strictObject({ name: z.string().min(1).max(10), count: z.number().int() }),
        response: { 201: z.object({ name: z.string(), count: z.number() }) },
      },
    },
    async (request, reply) => reply.code(201).send(request.body),
  );
  app.get('/teapot', async () => {
    throw errors.tooManyRequests('slow down', 42);
  });
  app.get('/boom', async () => {
    throw new Error('secret internal detail');
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

const post = (payload: string, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/things', payload, headers: { 'content-type': contentType } });

describe('createHttpApp', () => {
  it('when the body is valid, then the route answers with it', async () => {
    const res = await post(JSON.stringify({ name: 'a', count: 1 }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'a', count: 1 });
  });

  it.each([
    ['a wrong type', { name: 'a', count: 'one' }],
    ['a missing field', { name: 'a' }],
    ['an unknown field', { name: 'a', count: 1, admin: true }],
    ['a too long string', { name: 'x'.repeat(11), count: 1 }],
  ])('when the body has %s, then 400 VALIDATION_FAILED', async (_label, body) => {
    const res = await post(JSON.stringify(body));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('when the JSON is malformed, then 400 MALFORMED_JSON', async () => {
    const res = await post('{"name": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
  });

  it('when the JSON tries prototype poisoning, then 400', async () => {
    const res = await post('{"name":"a","count":1,"__proto__":{"admin":true}}');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toHaveProperty('error.code');
  });

  it('when the body exceeds 16 KiB, then 413 before parsing', async () => {
    const res = await post(JSON.stringify({ name: 'a'.repeat(17 * 1024), count: 1 }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('when the content type is not JSON, then 415', async () => {
    const res = await post('name=a', 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('when a handler throws an AppError, then its status, code and headers are sent', async () => {
    const res = await app.inject({ method: 'GET', url: '/teapot' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
    expect(res.json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: 'slow down' } });
  });

  it('when a handler throws anything else, then a generic 500 hides the detail', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
  });

  it('when the route does not exist, then a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /nope' } });
  });

  it('when a well-formed x-request-id arrives, then it is echoed; otherwise one is minted', async () => {
    const kept = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const minted = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'bad id\n' },
    });
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when dependencies are reachable, then /ready is 200; when one is not, 503 naming it', async () => {
    ready = true;
    const ok = await app.inject({ method: 'GET', url: '/ready' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ready', checks: { db: 'ok' } });
    ready = false;
    const down = await app.inject({ method: 'GET', url: '/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', checks: { db: 'connection refused' } });
    ready = true;
  });

  it('when /health is asked, then it answers without touching dependencies', async () => {
    ready = false;
    const res = await app.inject({ method: 'GET', url: '/health' });
    ready = true;
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', service: 'test' });
  });

  it('when /metrics is scraped, then HTTP durations by route are exposed', async () => {
    await post(JSON.stringify({ name: 'a', count: 1 }));
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/things"[^}]*status_code="201"/,
    );
  });

  it('when /openapi.json is fetched, then it documents the routes with their schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/things']?.post).toMatchObject({
      requestBody: { content: { 'application/json': { schema: { required: ['name', 'count'] } } } },
    });
    expect(doc.paths['/health']).toBeDefined();
  });
});
