import { randomUUID } from 'node:crypto';
import { chatMessageSchema, type ChatMessage, type RoomMember } from '@falablau/common/contracts';
import { createTestChatApp, type TestChatApp } from './test-app.js';

let app: TestChatApp;
let token: string;
let roomId: string;
const author: RoomMember = { userId: randomUUID(), username: 'author' };
const total = 123;

interface Page {
  messages: ChatMessage[];
  nextCursor: string | null;
}

function getMessages(query: string, id = roomId, bearer = token) {
  return app.http.inject({
    method: 'GET',
    url: `/rooms/${id}/messages${query}`,
    headers: { authorization: `Bearer ${bearer}` },
  });
}

beforeAll(async () => {
  app = await createTestChatApp('chat_rest_messages');
  token = await app.tokenFor({ userId: randomUUID(), username: 'reader' });
  const room = await app.rooms.create(author, { name: `history ${randomUUID()}` });
  roomId = room.id;
  for (let i = 1; i <= total; i++) {
    await app.messages.send({ roomId, ...author, text: `m${i}`, clientMsgId: `c${i}` });
  }
});

afterAll(async () => {
  await app.dispose();
});

describe('GET /rooms/:id/messages', () => {
  test('when no limit is given, then the newest 50 come first with a cursor to older ones', async () => {
    const res = await getMessages('');
    expect(res.statusCode).toBe(200);
    const page = res.json<Page>();
    expect(page.messages).toHaveLength(50);
    for (const m of page.messages) chatMessageSchema.parse(m);
    expect(page.messages[0]).toMatchObject({ seq: total, text: `m${total}`, username: 'author' });
    expect(page.nextCursor).toBe(String(total - 49));
  });

  test('when a reader follows nextCursor, then every message comes exactly once, newest first', async () => {
    const seqs: number[] = [];
    let query = '?limit=40';
    for (let pages = 0; pages < 10; pages++) {
      const page = (await getMessages(query)).json<Page>();
      seqs.push(...page.messages.map((m) => m.seq));
      if (page.nextCursor === null) break;
      query = `?limit=40&before=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => total - i));
  });

  test('when the room has no messages, then an empty page without cursor', async () => {
    const room = await app.rooms.create(author, { name: `empty ${randomUUID()}` });
    const res = await getMessages('', room.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ messages: [], nextCursor: null });
  });

  test.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['limit='],
    ['limit=1.5'],
    ['limit=-5'],
    ['limit=1e2'],
    ['limit=10&limit=20'],
    ['limit[]=10'],
    ['before=abc'],
    ['before=-1'],
    ['before=1.5'],
    ['before='],
    ['before=99999999999999999999'],
    ['before=5&before=6'],
    ['cursor=5'],
    ['befor=5'],
  ])('when the query is ?%s, then 400 VALIDATION_FAILED', async (query) => {
    const res = await getMessages(`?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  test('when the limit is 1 or 100, then it is honoured', async () => {
    expect((await getMessages('?limit=1')).json<Page>().messages).toHaveLength(1);
    expect((await getMessages('?limit=100')).json<Page>().messages).toHaveLength(100);
  });

  test('when the room id is not a UUID, then 400; when unknown, then 404', async () => {
    expect((await getMessages('', 'lobby')).statusCode).toBe(400);
    const res = await getMessages('', randomUUID());
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'ROOM_NOT_FOUND' } });
  });
});
