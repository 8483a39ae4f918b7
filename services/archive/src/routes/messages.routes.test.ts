// POST /archive/messages: the mover's idempotent batch.
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@falablau/common/contracts';
import { makeMessage, roomMessages } from '../testing/messages.js';
import { createTestArchiveApp, type TestArchiveApp } from '../testing/test-app.js';

let app: TestArchiveApp;
let mover: string;

beforeAll(async () => {
  app = await createTestArchiveApp('batch');
  await app.start();
  mover = await app.serviceToken('chat-mover', ['archive:write']);
});

afterAll(async () => {
  await app.dispose();
});

const post = (messages: unknown) =>
  app.http.inject({
    method: 'POST',
    url: '/archive/messages',
    headers: { authorization: `Bearer ${mover}` },
    payload: { messages },
  });

async function roomCount(roomId: string): Promise<number> {
  let count = 0;
  let beforeSeq: number | undefined;
  for (;;) {
    const slice = await app.store.byRoom(roomId, { limit: 1000, beforeSeq });
    count += slice.messages.length;
    const last = slice.messages.at(-1);
    if (!slice.hasMore || !last) return count;
    beforeSeq = last.seq;
  }
}

describe('POST /archive/messages', () => {
  test('when a batch is posted twice, then it is stored once and the retry reports duplicates', async () => {
    const batch = roomMessages(100);
    const roomId = batch[0]?.roomId ?? '';
    const first = await post(batch);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ inserted: 100, duplicates: 0, conflicts: [] });
    const retry = await post(batch);
    expect(retry.json()).toEqual({ inserted: 0, duplicates: 100, conflicts: [] });
    expect(await roomCount(roomId)).toBe(100);
  });

  test('when a full batch of 1000 messages of 4000 characters is posted, then all are stored', async () => {
    const batch = roomMessages(1000).map((m) => ({ ...m, text: 'é'.repeat(4000) }));
    const res = await post(batch);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ inserted: 1000 });
    expect(await roomCount(batch[0]?.roomId ?? '')).toBe(1000);
  });

  test('when 1001 messages are posted, then 400 and nothing is stored', async () => {
    const batch = roomMessages(1001);
    const res = await post(batch);
    expect(res.statusCode).toBe(400);
    expect(await roomCount(batch[0]?.roomId ?? '')).toBe(0);
  });

  test('when the batch is empty, then 400', async () => {
    expect((await post([])).statusCode).toBe(400);
  });

  test('when one message takes a place held by another id, then it is listed as a conflict and the rest is stored', async () => {
    const [held, next] = roomMessages(2);
    if (!held || !next) throw new Error('fixture');
    await post([held]);
    const impostor: ChatMessage = makeMessage({ roomId: held.roomId, seq: held.seq });
    const res = await post([impostor, next]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      inserted: 1,
      duplicates: 0,
      conflicts: [{ id: impostor.id, roomId: held.roomId, seq: held.seq }],
    });
    const stored = await app.store.byRoom(held.roomId, { limit: 10 });
    expect(stored.messages.map((m) => m.id)).toEqual([next.id, held.id]);
  });

  test('when messages are posted, then the ingest metrics count them by source', async () => {
    await post([makeMessage({ roomId: randomUUID() })]);
    const metrics = await app.metrics.registry.metrics();
    expect(metrics).toMatch(
      /archive_ingested_total\{[^}]*source="http"[^}]*result="inserted"[^}]*\} \d+/,
    );
    expect(metrics).toMatch(/archive_ingest_batch_size_count\{[^}]*source="http"/);
    expect(metrics).toMatch(/archive_ingest_batch_duration_seconds_count\{[^}]*source="http"/);
  });
});
