// History over HTTP on the real MongoDB-wire server: cursor paging over 10k+ messages (each exactly
// once, with concurrent inserts), the page mode, time filters and the answer's shape.
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@falablau/common/contracts';
import { roomMessages } from '../testing/messages.js';
import { createTestArchiveApp, type TestArchiveApp } from '../testing/test-app.js';

interface Page {
  messages: ChatMessage[];
  nextCursor: string | null;
}

let app: TestArchiveApp;
let token: string;
const heavy = randomUUID();
const other = randomUUID();
const roomA = randomUUID();
const roomB = randomUUID();
const SIZE_A = 10_000;
const SIZE_B = 5_000;
let original: ChatMessage[];

async function get(url: string, authorization = `Bearer ${token}`): Promise<Page> {
  const res = await app.http.inject({ method: 'GET', url, headers: { authorization } });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${String(res.statusCode)} ${res.body}`);
  return res.json<Page>();
}

/** Follows nextCursor to the end; `between` runs after the first page (concurrent writers). */
async function pageThrough(path: string, limit: number, between?: () => Promise<void>) {
  const all: ChatMessage[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`;
    const page = await get(`${path}?limit=${String(limit)}${query}`);
    all.push(...page.messages);
    cursor = page.nextCursor;
    pages += 1;
    if (pages === 1) await between?.();
  } while (cursor !== null);
  return { all, pages };
}

beforeAll(async () => {
  app = await createTestArchiveApp('history');
  await app.start();
  token = await app.userToken({ role: 'admin' });
  // Room A: 10k messages a second apart, written by two users in turn. Room B: 5k messages of
  // `heavy`, all at the same millisecond, so user history must break ties by id.
  const a = roomMessages(SIZE_A, {
    roomId: roomA,
    userIds: [heavy, other],
    from: new Date('2025-01-01T00:00:00.000Z'),
  });
  const b = roomMessages(SIZE_B, {
    roomId: roomB,
    userIds: [heavy],
    from: new Date('2025-01-01T01:00:00.000Z'),
    stepMs: 0,
  });
  original = [...a, ...b];
  for (let i = 0; i < original.length; i += 1000) {
    await app.store.upsertMany(original.slice(i, i + 1000));
  }
}, 120_000);

afterAll(async () => {
  await app.dispose();
});

function expectExactlyOnce(received: ChatMessage[], expected: ChatMessage[]) {
  const ids = received.map((m) => m.id);
  expect(new Set(ids).size).toBe(ids.length); // no duplicates
  expect(new Set(ids)).toEqual(new Set(expected.map((m) => m.id))); // none missing, none extra
}

describe('GET /archive/rooms/:id', () => {
  test('when 10k messages are paged with the cursor while new ones arrive, then each comes exactly once, newest first', async () => {
    const { all, pages } = await pageThrough(`/archive/rooms/${roomA}`, 200, async () => {
      await app.store.upsertMany(roomMessages(100, { roomId: roomA, firstSeq: SIZE_A + 1 }));
    });
    expect(pages).toBe(SIZE_A / 200);
    expect(all).toHaveLength(SIZE_A);
    expectExactlyOnce(
      all,
      original.filter((m) => m.roomId === roomA),
    );
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: SIZE_A }, (_, i) => SIZE_A - i));
  }, 300_000);

  test('when no limit is given, then 50 messages come with ISO-8601 UTC times and a cursor', async () => {
    const page = await get(`/archive/rooms/${roomA}`);
    expect(page.messages).toHaveLength(50);
    expect(page.messages[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  test('when page is used (original API), then pages match the cursor pages', async () => {
    const first = await get(`/archive/rooms/${roomA}?limit=20&page=1`);
    const viaCursor = await get(
      `/archive/rooms/${roomA}?limit=20&cursor=${first.nextCursor ?? ''}`,
    );
    const viaPage = await get(`/archive/rooms/${roomA}?limit=20&page=2`);
    expect(viaPage.messages.map((m) => m.id)).toEqual(viaCursor.messages.map((m) => m.id));
  });

  test('when the period is given with offsets, then start is inclusive and end exclusive', async () => {
    // Room A message n (seq n) was created at 2025-01-01T00:00:00Z + (n - 1) s.
    const start = encodeURIComponent('2025-01-01T02:00:10+02:00'); // 00:00:10Z → seq 11
    const end = encodeURIComponent('2025-01-01T00:00:15Z'); // seq 16 excluded
    const page = await get(`/archive/rooms/${roomA}?start=${start}&end=${end}`);
    expect(page.messages.map((m) => m.seq)).toEqual([15, 14, 13, 12, 11]);
    expect(page.nextCursor).toBeNull();
  });

  test('when a period is paged, then the cursor stays inside it', async () => {
    const start = '2025-01-01T00:00:00Z';
    const end = '2025-01-01T00:01:00Z'; // seqs 1–60
    const first = await get(`/archive/rooms/${roomA}?start=${start}&end=${end}&limit=50`);
    const second = await get(
      `/archive/rooms/${roomA}?start=${start}&end=${end}&limit=50&cursor=${first.nextCursor ?? ''}`,
    );
    expect([...first.messages, ...second.messages].map((m) => m.seq)).toEqual(
      Array.from({ length: 60 }, (_, i) => 60 - i),
    );
    expect(second.nextCursor).toBeNull();
  });

  test('when afterSeq is given, then only what a client missed comes', async () => {
    const page = await get(`/archive/rooms/${roomA}?afterSeq=9995&beforeSeq=10001`);
    expect(page.messages.map((m) => m.seq)).toEqual([10000, 9999, 9998, 9997, 9996]);
  });
});

describe('GET /archive/users/:userId', () => {
  test('when 10k messages of a user (5k sharing one timestamp) are paged, then each comes exactly once', async () => {
    const { all } = await pageThrough(`/archive/users/${heavy}`, 200, async () => {
      await app.store.upsertMany(
        roomMessages(50, { roomId: randomUUID(), userIds: [heavy], from: new Date() }),
      );
    });
    const expected = original.filter((m) => m.userId === heavy);
    expect(expected).toHaveLength(SIZE_A / 2 + SIZE_B);
    expect(all).toHaveLength(expected.length);
    expectExactlyOnce(all, expected);
    const times = all.map((m) => Date.parse(m.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  }, 300_000);

  test('when a user reads their own history, then it is answered', async () => {
    const own = await app.userToken({ userId: other });
    const page = await get(`/archive/users/${other}?limit=3`, `Bearer ${own}`);
    expect(page.messages.map((m) => m.seq)).toEqual([SIZE_A, SIZE_A - 2, SIZE_A - 4]);
  });

  test('when the period excludes everything, then the page is empty without a cursor', async () => {
    const page = await get(`/archive/users/${heavy}?end=2024-01-01T00:00:00Z`);
    expect(page).toEqual({ messages: [], nextCursor: null });
  });
});
