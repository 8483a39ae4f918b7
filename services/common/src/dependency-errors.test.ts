// Dependency outages are 503 with Retry-After, never 500: the classifier against the real errors
// the drivers raise (a refused connection, the pool's connect timeout, a server-side termination)
// and through the one HTTP error handler.
import { createServer } from 'node:net';
import pg from 'pg';
import { dependencyUnavailable, isDependencyUnavailable } from './dependency-errors.js';
import { errors } from './errors.js';
import { createHttpApp, type HttpApp } from './http/create-http-app.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { requireServer } from './testing/servers.js';

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('isDependencyUnavailable, against real driver errors', () => {
  test('when Postgres refuses the connection, then it is a dependency error (ECONNREFUSED)', async () => {
    const pool = new pg.Pool({
      connectionString: `postgres://x:y@127.0.0.1:${await closedPort()}/db`,
      connectionTimeoutMillis: 2_000,
    });
    try {
      const error = await failureOf(() => pool.query('select 1'));
      expect(isDependencyUnavailable(error)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  test('when the pool cannot hand out a connection in time, then it is a dependency error', async () => {
    const pool = new pg.Pool({
      connectionString: requireServer('DATABASE_URL'),
      max: 1,
      connectionTimeoutMillis: 150,
    });
    const held = await pool.connect();
    try {
      const error = await failureOf(() => pool.query('select 1'));
      expect(String(error)).toMatch(/timeout exceeded when trying to connect/);
      expect(isDependencyUnavailable(error)).toBe(true);
    } finally {
      held.release();
      await pool.end();
    }
  });

  test('when the server terminates the session (admin shutdown, 57P01), then it is a dependency error', async () => {
    const client = new pg.Client({ connectionString: requireServer('DATABASE_URL') });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const error = await failureOf(() =>
        client.query('select pg_terminate_backend(pg_backend_pid())'),
      );
      expect(isDependencyUnavailable(error)).toBe(true);
    } finally {
      await client.end().catch(() => undefined);
    }
  });

  test('when a query is wrong, then it is not a dependency error (a bug stays a 500)', async () => {
    const pool = new pg.Pool({ connectionString: requireServer('DATABASE_URL'), max: 1 });
    try {
      const error = await failureOf(() => pool.query('select * from no_such_table_here'));
      expect(isDependencyUnavailable(error)).toBe(false);
    } finally {
      await pool.end();
    }
  });
});

describe('isDependencyUnavailable, by shape', () => {
  const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });

  test.each([
    ['a kafkajs connection error', named('KafkaJSConnectionError')],
    ['kafkajs retries exhausted', named('KafkaJSNumberOfRetriesExceeded')],
    ['an EventBus publish deadline', named('EventBusTimeoutError')],
    ['ioredis giving up', named('MaxRetriesPerRequestError')],
    ['ioredis closed', new Error('Connection is closed.')],
    ['a MongoDB server selection timeout', named('MongoServerSelectionError')],
    [
      'a Postgres connection exception (class 08)',
      Object.assign(new Error('x'), { code: '08006', severity: 'FATAL' }),
    ],
    ['Postgres starting up (57P03)', Object.assign(new Error('x'), { code: '57P03' })],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    [
      'an AggregateError of refused connects (Node, several addresses)',
      new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })], 'x'),
    ],
    [
      'a wrapper whose cause is a refused connect',
      new Error('query failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
    ],
    [
      'kafkajs retries exhausted around a connection error (originalError)',
      Object.assign(new Error('x'), { originalError: named('KafkaJSConnectionError') }),
    ],
  ])('when %s, then true', (_what, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  test.each([
    ['a plain bug', new TypeError('undefined is not a function')],
    ['a unique violation', Object.assign(new Error('dup'), { code: '23505', severity: 'ERROR' })],
    ['an AppError', errors.conflict('taken')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
  ])('when %s, then false', (_what, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });

  test('when errors wrap each other in a cycle, then it ends (false)', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isDependencyUnavailable(a)).toBe(false);
  });

  test('when it is one, then the AppError is 503 UNAVAILABLE with Retry-After and keeps the cause', () => {
    const cause = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    const appError = dependencyUnavailable(cause);
    expect(appError).toMatchObject({ statusCode: 503, code: 'UNAVAILABLE', cause });
    expect(appError?.headers['retry-after']).toBe('2');
  });
});

describe('the HTTP error handler', () => {
  let app: HttpApp;
  let refusedUrl: string;

  beforeAll(async () => {
    refusedUrl = `postgres://x:y@127.0.0.1:${await closedPort()}/db`;
    app = await createHttpApp({
      name: 'test',
      logger: createLogger({ name: 'test', level: 'silent' }),
      metrics: createMetrics({ service: 'test', defaultMetrics: false }),
      readiness: [],
      openapi: { title: 'Test', version: '1.0.0', description: 'test' },
    });
    app.get('/db-down', async () => {
      const pool = new pg.Pool({ connectionString: refusedUrl, connectionTimeoutMillis: 2_000 });
      try {
        return await pool.query('select 1');
      } finally {
        await pool.end();
      }
    });
    app.get('/kafka-down', async () => {
      throw Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
        name: 'KafkaJSNumberOfRetriesExceeded',
      });
    });
    app.get('/archive-503', async () => {
      throw errors.unavailable('archive away');
    });
    app.get('/bug', async () => {
      throw new Error('secret internal detail');
    });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  test('when Postgres refuses connections, then 503 UNAVAILABLE with Retry-After, not 500', async () => {
    const res = await app.inject({ method: 'GET', url: '/db-down' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json()).toEqual({
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/retry/) as unknown },
    });
    expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  test('when Kafka is unreachable, then 503 with Retry-After', async () => {
    const res = await app.inject({ method: 'GET', url: '/kafka-down' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
  });

  test('when a route raises its own 503, then it carries Retry-After too', async () => {
    const res = await app.inject({ method: 'GET', url: '/archive-503' });
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('when the error is a bug, then still a generic 500', async () => {
    const res = await app.inject({ method: 'GET', url: '/bug' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
  });
});
