// Injection corpus: query operators, `$where`, regular expressions, arrays and objects where a
// scalar belongs, huge strings. Each must be a 400 decided by the schema, before the store (and so
// MongoDB) sees anything: a spy around the store proves it was never called.
import { randomUUID } from 'node:crypto';
import type { ArchiveStore } from '../store/archive-store.js';
import { makeMessage, roomMessages } from '../testing/messages.js';
import { createTestArchiveApp, type TestArchiveApp } from '../testing/test-app.js';

let app: TestArchiveApp;
let storeCalls = 0;
let adminToken: string;
let userToken: string;
let serviceToken: string;
const userId = randomUUID();
const roomId = randomUUID();

function spy(store: ArchiveStore): ArchiveStore {
  const counted =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      storeCalls += 1;
      return call(...args);
    };
  return {
    init: () => store.init(),
    ready: () => store.ready(),
    upsertMany: counted((messages) => store.upsertMany(messages)),
    byRoom: counted((roomId: string, query) => store.byRoom(roomId, query)),
    byUser: counted((userId: string, query) => store.byUser(userId, query)),
    deleteOlderThan: counted((cutoff: Date) => store.deleteOlderThan(cutoff)),
  };
}

beforeAll(async () => {
  app = await createTestArchiveApp('inject', { wrapStore: spy });
  await app.start();
  await app.store.upsertMany(roomMessages(5, { roomId, userIds: [userId] }));
  adminToken = await app.userToken({ role: 'admin' });
  userToken = await app.userToken({ userId });
  serviceToken = await app.serviceToken('mover', ['archive:write', 'archive:read']);
});

afterAll(async () => {
  await app.dispose();
});

beforeEach(() => {
  storeCalls = 0;
});

const huge = 'a'.repeat(10_000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// Raw query strings, exactly as an attacker would type them.
const queryCorpus: [string, string][] = [
  ['an operator in brackets on start', 'start[$ne]=1'],
  ['an operator in brackets on end', 'end[$gt]=2020-01-01T00:00:00Z'],
  ['an operator on limit', 'limit[$gt]=0'],
  ['an operator on cursor', 'cursor[$ne]=x'],
  ['a nested operator', 'start[$where][x]=1'],
  ['$where as a parameter', '$where=sleep(1000)'],
  ['$where url-encoded', '%24where=this.seq%3E0'],
  ['an operator as JSON text', `start=${encodeURIComponent('{"$ne":null}')}`],
  ['a regex literal as start', `start=${encodeURIComponent('/.*/')}`],
  ['a $regex object', 'cursor[$regex]=.*'],
  ['a repeated parameter (array)', 'start=2025-01-01T00:00:00Z&start=2025-02-01T00:00:00Z'],
  ['an array in brackets', 'limit[]=10'],
  ['an indexed array', 'limit[0]=10'],
  ['prototype pollution', '__proto__[admin]=true'],
  ['constructor pollution', 'constructor[prototype][admin]=true'],
  ['an unknown parameter', 'before=5'],
  ['a huge start', `start=${huge}`],
  ['a huge cursor', `cursor=${huge}`],
  ['a huge limit', `limit=${'9'.repeat(5_000)}`],
  ['a huge unknown parameter', `q=${huge}`],
  ['a cursor carrying an operator', `cursor=${b64({ k: 'r', s: { $gt: 0 } })}`],
  ['a cursor carrying $where', `cursor=${b64({ k: 'r', s: 1, $where: 'sleep(100)' })}`],
  ['a user cursor on a room', `cursor=${b64({ k: 'u', t: 0, i: randomUUID() })}`],
  ['limit 0', 'limit=0'],
  ['limit 201', 'limit=201'],
  ['a negative limit', 'limit=-1'],
  ['a limit in exponent form', 'limit=1e2'],
  ['a hexadecimal limit', 'limit=0x10'],
  ['a fractional limit', 'limit=10.5'],
  ['page 0', 'page=0'],
  ['page and cursor together', `page=2&cursor=${b64({ k: 'r', s: 5 })}`],
  ['a time without zone', 'start=2025-01-01T00:00:00'],
  ['a date that does not exist', 'start=2025-02-30T00:00:00Z'],
  ['end before start', 'start=2025-02-01T00:00:00Z&end=2025-01-01T00:00:00Z'],
  ['a seq operator', 'beforeSeq[$gt]=0'],
  ['a non-numeric seq', 'afterSeq=abc'],
];

describe('query injection corpus', () => {
  test.each(queryCorpus)(
    'when room history gets %s, then 400 and the store is not touched',
    async (_label, query) => {
      const res = await app.http.inject({
        method: 'GET',
        url: `/archive/rooms/${roomId}?${query}`,
        headers: { authorization: `Bearer ${userToken}` },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
      expect(storeCalls).toBe(0);
    },
  );

  // The seq parameters exist on rooms only; a user cursor is valid on users.
  const userCorpus: [string, string][] = [
    ...queryCorpus.filter(([label]) => !label.includes('seq') && !label.includes('user cursor')),
    ['a room cursor on a user', `cursor=${b64({ k: 'r', s: 5 })}`],
    ['beforeSeq, which users do not have', 'beforeSeq=5'],
  ];

  test.each(userCorpus)(
    'when user history gets %s, then 400 and the store is not touched',
    async (_label, query) => {
      const res = await app.http.inject({
        method: 'GET',
        url: `/archive/users/${userId}?${query}`,
        headers: { authorization: `Bearer ${userToken}` },
      });
      expect(res.statusCode).toBe(400);
      expect(storeCalls).toBe(0);
    },
  );

  test.each([
    ['an operator in brackets', 'before[$lt]=2030-01-01T00:00:00Z'],
    ['a repeated before', 'before=2020-01-01T00:00:00Z&before=2021-01-01T00:00:00Z'],
    ['$where', '$where=1'],
    ['a regex', `before=${encodeURIComponent('/.*/')}`],
    ['a huge before', `before=${huge}`],
    ['a date in the future', 'before=2999-01-01T00:00:00Z'],
  ])('when cleanup gets %s, then 400 and nothing is deleted', async (_label, query) => {
    const res = await app.http.inject({
      method: 'DELETE',
      url: `/archive/cleanup?${query}`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.statusCode).toBe(400);
    expect(storeCalls).toBe(0);
  });
});

describe('path injection corpus', () => {
  test.each([
    ['a regex', '.*'],
    ['an operator as JSON', encodeURIComponent('{"$ne":null}')],
    ['$where', '$where'],
    ['a long string', 'x'.repeat(99)],
  ])('when the room id is %s, then 400 and the store is not touched', async (_label, id) => {
    const res = await app.http.inject({
      method: 'GET',
      url: `/archive/rooms/${id}`,
      headers: { authorization: `Bearer ${userToken}` },
    });
    expect(res.statusCode).toBe(400);
    expect(storeCalls).toBe(0);
  });

  test.each([
    ['a regex', encodeURIComponent('^.*$')],
    ['an operator as JSON', encodeURIComponent('{"$gt":""}')],
    ['a $ prefix', '$ne'],
  ])('when the user id is %s, then 400 for an admin too', async (_label, id) => {
    const res = await app.http.inject({
      method: 'GET',
      url: `/archive/users/${id}`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.statusCode).toBe(400);
    expect(storeCalls).toBe(0);
  });
});

describe('body injection corpus', () => {
  const valid = () => makeMessage({ roomId, seq: 1_000 + Math.floor(Math.random() * 1e6) });

  test.each([
    ['an operator as roomId', { ...valid(), roomId: { $gt: '' } }],
    ['an operator as id', { ...valid(), id: { $ne: null } }],
    ['an operator as seq', { ...valid(), seq: { $gt: 0 } }],
    ['a $where field', { ...valid(), $where: 'sleep(1000)' }],
    ['a $setOnInsert field', { ...valid(), $setOnInsert: { role: 'admin' } }],
    ['an _id field', { ...valid(), _id: 'forced' }],
    ['a regex-like roomId', { ...valid(), roomId: '.*' }],
    ['an array as text', { ...valid(), text: ['a', 'b'] }],
    ['an object as userId', { ...valid(), userId: { $regex: '.*' } }],
    ['a huge userId', { ...valid(), userId: huge }],
    ['text over 4000 characters', { ...valid(), text: 'x'.repeat(4001) }],
    ['a fractional seq', { ...valid(), seq: 1.5 }],
    ['a createdAt that is not a date', { ...valid(), createdAt: { $date: 0 } }],
  ])('when a posted message has %s, then 400 and nothing is written', async (_label, message) => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/archive/messages',
      headers: { authorization: `Bearer ${serviceToken}` },
      payload: { messages: [valid(), message] },
    });
    expect(res.statusCode).toBe(400);
    expect(storeCalls).toBe(0);
  });

  test('when the body has a top-level operator, then 400', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/archive/messages',
      headers: { authorization: `Bearer ${serviceToken}` },
      payload: { messages: [valid()], $where: '1' },
    });
    expect(res.statusCode).toBe(400);
    expect(storeCalls).toBe(0);
  });

  test('when a text merely looks like an operator, then it is stored and returned as text', async () => {
    const message = { ...valid(), text: '{"$where": "sleep(1000)"} /.*/ $ne' };
    const res = await app.http.inject({
      method: 'POST',
      url: '/archive/messages',
      headers: { authorization: `Bearer ${serviceToken}` },
      payload: { messages: [message] },
    });
    expect(res.statusCode).toBe(200);
    const page = await app.http.inject({
      method: 'GET',
      url: `/archive/rooms/${roomId}?afterSeq=${String(message.seq - 1)}&limit=1`,
      headers: { authorization: `Bearer ${userToken}` },
    });
    expect(page.json()).toMatchObject({ messages: [{ id: message.id, text: message.text }] });
  });
});
