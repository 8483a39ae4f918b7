// The indexed-archive phase end to end on the real Postgres, small: the fill produces messages
// the route's response schema accepts, in gap-free pages of 50 per room, and the throw-away
// database is gone afterwards. A JWKS server stands in for auth-service.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createTestSigningKey, signTestAccessToken } from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import { runIndexedArchive } from './archive-indexed.js';

const issuer = 'bench-test-issuer';
const audience = 'bench-test-audience';

async function benchDatabases(serverUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like 'bench_archive_%'`,
    );
    return rows.map((row) => row.datname).sort();
  } finally {
    await client.end();
  }
}

let jwks: Server;
let authUrl: string;
let token: string;

beforeAll(async () => {
  const key = await createTestSigningKey();
  token = await signTestAccessToken(key, { issuer, audience });
  jwks = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [key.publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  authUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => jwks.close(resolve));
});

it('fills the store, pages every room through archive-service and drops the database', async () => {
  const databaseUrl = requireServer('DATABASE_URL');
  const before = await benchDatabases(databaseUrl);
  const lines: string[] = [];
  // 10 rooms of 123 messages: pages of 50, 50 and 23 per room, the last without a cursor.
  const figures = await runIndexedArchive(
    {
      messages: 1_230,
      rooms: 10,
      chunk: 500,
      pages: { maxRequests: 30, budgetMs: 60_000, pagesPerScroll: 3 },
    },
    { databaseUrl, authUrl, issuer, audience, token, log: (line) => lines.push(line) },
  );
  expect(figures.archive.errors).toEqual({});
  expect(figures.archive.requests).toBe(30);
  expect(figures.archive.fullPages).toBe(20);
  expect(figures.archive.latency.count).toBe(30);
  expect(figures.archivedMessages).toBe(1_230);
  expect(figures.tableBytes).toBeGreaterThan(0);
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^P6 archive \(indexed\): 1,230 of 1,230 archived/),
    ]),
  );
  expect(await benchDatabases(databaseUrl)).toEqual(before);
});

it('reports a refused token as errors, not as pages', async () => {
  const figures = await runIndexedArchive(
    {
      messages: 100,
      rooms: 2,
      chunk: 100,
      pages: { maxRequests: 2, budgetMs: 30_000, pagesPerScroll: 1 },
    },
    {
      databaseUrl: requireServer('DATABASE_URL'),
      authUrl,
      issuer,
      audience,
      token: `${token}x`,
      log: () => undefined,
    },
  );
  expect(figures.archive.errors).toEqual({ '401': 2 });
  expect(figures.archive.latency.count).toBe(0);
});
