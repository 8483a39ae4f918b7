// DELETE /archive/cleanup: the retention cut on demand (admins only; the 401/403 cases are in
// auth.routes.test.ts).
import { randomUUID } from 'node:crypto';
import { makeMessage } from '../testing/messages.js';
import { createTestArchiveApp, type TestArchiveApp } from '../testing/test-app.js';

const now = new Date('2026-06-30T00:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

let app: TestArchiveApp;
let admin: string;

beforeAll(async () => {
  app = await createTestArchiveApp('cleanup', {
    config: { retention: { ttlDays: 30, sweepIntervalMs: 3_600_000 } },
    now: () => now,
  });
  await app.start();
  admin = await app.userToken({ role: 'admin' });
});

afterAll(async () => {
  await app.dispose();
});

const cleanup = (query = '') =>
  app.http.inject({
    method: 'DELETE',
    url: `/archive/cleanup${query}`,
    headers: { authorization: `Bearer ${admin}` },
  });

describe('DELETE /archive/cleanup', () => {
  test('when an admin cleans up without a date, then messages older than ARCHIVE_TTL_DAYS go and the count is answered', async () => {
    const roomId = randomUUID();
    const old = [31, 45, 400].map((d, i) =>
      makeMessage({ roomId, seq: i + 1, createdAt: daysAgo(d) }),
    );
    const young = makeMessage({ roomId, seq: 10, createdAt: daysAgo(29) });
    await app.store.upsertMany([...old, young]);
    const res = await cleanup();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deleted: 3, before: '2026-05-31T00:00:00.000Z' });
    const left = await app.store.byRoom(roomId, { limit: 10 });
    expect(left.messages.map((m) => m.id)).toEqual([young.id]);
    expect((await cleanup()).json()).toMatchObject({ deleted: 0 });
  });

  test('when an admin gives an explicit before, then that cut applies', async () => {
    const roomId = randomUUID();
    await app.store.upsertMany([
      makeMessage({ roomId, seq: 1, createdAt: '2026-05-31T06:00:00.000Z' }),
      makeMessage({ roomId, seq: 2, createdAt: '2026-05-31T18:00:00.000Z' }),
    ]);
    const res = await cleanup('?before=2026-05-31T12:00:00Z');
    expect(res.json()).toEqual({ deleted: 1, before: '2026-05-31T12:00:00.000Z' });
    expect((await app.store.byRoom(roomId, { limit: 10 })).messages.map((m) => m.seq)).toEqual([2]);
  });

  test('when cleanup ran, then the deletions are counted in the metrics', async () => {
    expect(await app.metrics.registry.metrics()).toMatch(
      /archive_retention_deleted_total\{[^}]*trigger="request"[^}]*\} [1-9]/,
    );
  });
});
