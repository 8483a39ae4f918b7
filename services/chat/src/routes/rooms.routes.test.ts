import { randomUUID } from 'node:crypto';
import { createTestSigningKey, signTestAccessToken } from '@falablau/common';
import { roomSchema, type Room, type RoomMember } from '@falablau/common/contracts';
import type { RealtimeFactory } from '../app.js';
import { createTestChatApp, testAudience, testIssuer, type TestChatApp } from './test-app.js';

let app: TestChatApp;
/** Who the fake realtime layer reports online. */
const online = new Set<string>();

const fakeRealtime: RealtimeFactory = () => ({
  start: async () => undefined,
  close: async () => undefined,
  isOnline: (userId) => online.has(userId),
  onlineCount: (userIds) => userIds.filter((id) => online.has(id)).length,
});

const alice: RoomMember = { userId: randomUUID(), username: 'alice' };
const bob: RoomMember = { userId: randomUUID(), username: 'bob' };
let aliceToken: string;
let bobToken: string;

const uniqueName = (base = 'room') => `${base} ${randomUUID().slice(0, 8)}`;

function request(
  method: 'GET' | 'POST',
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return app.http.inject({
    method,
    url,
    headers,
    ...(options.body === undefined
      ? {}
      : {
          payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
          headers: { 'content-type': 'application/json', ...headers },
        }),
  });
}

async function createRoom(token: string, body: unknown) {
  return request('POST', '/rooms', { token, body });
}

async function roomCount(): Promise<number> {
  return (await app.rooms.list('x')).length;
}

beforeAll(async () => {
  app = await createTestChatApp('chat_rest_rooms', { createRealtime: fakeRealtime });
  aliceToken = await app.tokenFor(alice);
  bobToken = await app.tokenFor(bob);
});

afterAll(async () => {
  await app.dispose();
});

describe('POST /rooms', () => {
  test('when a signed-in user creates a room, then 201 with the room and they are its member', async () => {
    online.add(alice.userId);
    const name = uniqueName('Lobby');

    const res = await createRoom(aliceToken, { name: `  ${name}  `, topic: ' Say hi ' });

    expect(res.statusCode).toBe(201);
    const room = roomSchema.parse(res.json());
    expect(room).toMatchObject({
      name,
      topic: 'Say hi',
      createdBy: alice.userId,
      memberCount: 1,
      onlineCount: 1,
      lastSeq: 0,
    });
    await expect(app.rooms.isMember(room.id, alice.userId)).resolves.toBe(true);
  });

  test('when the name is exactly 64 characters after trimming, then it is accepted', async () => {
    const name = `${randomUUID()}${'x'.repeat(28)}`;
    expect(name).toHaveLength(64);
    const res = await createRoom(aliceToken, { name: `   ${name} ` });
    expect(res.statusCode).toBe(201);
  });

  test('when the name is taken in another case, then 409 CONFLICT', async () => {
    const name = uniqueName('Taken');
    expect((await createRoom(aliceToken, { name })).statusCode).toBe(201);
    const before = await roomCount();

    const res = await createRoom(bobToken, { name: name.toLowerCase() });

    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(await roomCount()).toBe(before);
  });

  test.each([
    ['an empty name', { name: '' }],
    ['a blank name', { name: '    ' }],
    ['a 65-character name', { name: 'n'.repeat(65) }],
    ['a numeric name', { name: 123 }],
    ['a null name', { name: null }],
    ['an array name', { name: ['general'] }],
    ['an object name', { name: { first: 'general' } }],
    ['a missing name', { topic: 'no name' }],
    ['a numeric topic', { name: uniqueName(), topic: 5 }],
    ['a 257-character topic', { name: uniqueName(), topic: 't'.repeat(257) }],
    ['an unknown field', { name: uniqueName(), private: true }],
    ['an array body', [{ name: uniqueName() }]],
    ['a string body', '"general"'],
    ['a null body', 'null'],
  ])('when the body has %s, then 400 VALIDATION_FAILED and nothing is stored', async (_l, body) => {
    const before = await roomCount();
    const res = await createRoom(aliceToken, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await roomCount()).toBe(before);
  });

  test.each([
    ['malformed JSON', '{"name": "x"', 'application/json', 400, 'MALFORMED_JSON'],
    ['an empty JSON body', '', 'application/json', 400, 'MALFORMED_JSON'],
    ['prototype poisoning', '{"name":"p","__proto__":{"x":1}}', 'application/json', 400, null],
    [
      'a form body',
      'name=general',
      'application/x-www-form-urlencoded',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a huge body',
      JSON.stringify({ name: 'big', topic: 'x'.repeat(100_000) }),
      'application/json',
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])(
    'when the request carries %s, then %i and nothing is stored',
    async (_l, payload, type, status, code) => {
      const before = await roomCount();
      const res = await app.http.inject({
        method: 'POST',
        url: '/rooms',
        payload,
        headers: { authorization: `Bearer ${aliceToken}`, 'content-type': type },
      });
      expect(res.statusCode).toBe(status);
      if (code !== null) expect(res.json()).toMatchObject({ error: { code } });
      else expect(res.json()).toHaveProperty('error.code');
      expect(await roomCount()).toBe(before);
    },
  );
});

describe('GET /rooms', () => {
  test('when rooms exist, then every room is listed with member and online counts', async () => {
    online.clear();
    online.add(bob.userId);
    const created = (await createRoom(aliceToken, { name: uniqueName('Listed') })).json<Room>();
    await app.rooms.join(created.id, bob);

    const res = await request('GET', '/rooms', { token: bobToken });

    expect(res.statusCode).toBe(200);
    const { rooms } = res.json<{ rooms: Room[] }>();
    for (const room of rooms) roomSchema.parse(room);
    expect(rooms.find((r) => r.id === created.id)).toMatchObject({
      memberCount: 2,
      onlineCount: 1,
    });
    const names = rooms.map((r) => r.name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });
});

describe('GET /rooms/:id', () => {
  test('when the room exists, then 200 with its current lastSeq', async () => {
    const created = (await createRoom(aliceToken, { name: uniqueName('One') })).json<Room>();
    await app.messages.send({ roomId: created.id, ...alice, text: 'hi', clientMsgId: 'c1' });

    const res = await request('GET', `/rooms/${created.id}`, { token: bobToken });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: created.id, lastSeq: 1, memberCount: 1 });
  });

  test('when the id is not a UUID, then 400 VALIDATION_FAILED', async () => {
    const res = await request('GET', '/rooms/general', { token: aliceToken });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  test('when no room has the id, then 404 ROOM_NOT_FOUND', async () => {
    const res = await request('GET', `/rooms/${randomUUID()}`, { token: aliceToken });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'ROOM_NOT_FOUND' } });
  });
});

describe('authentication', () => {
  const endpoints: ['GET' | 'POST', string][] = [
    ['GET', '/rooms'],
    ['POST', '/rooms'],
    ['GET', `/rooms/${randomUUID()}`],
    ['GET', `/rooms/${randomUUID()}/messages`],
  ];

  test.each(endpoints)(
    'when %s %s has no token, then 401 and nothing is stored',
    async (method, url) => {
      const before = await roomCount();
      const res = await request(
        method,
        url,
        method === 'POST' ? { body: { name: uniqueName() } } : {},
      );
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await roomCount()).toBe(before);
    },
  );

  test('when an anonymous request is huge, then it is refused with 401 before its body is read', async () => {
    const res = await request('POST', '/rooms', {
      body: { name: 'x', topic: 'y'.repeat(100_000) },
    });
    expect(res.statusCode).toBe(401);
  });

  test.each([
    ['a malformed header', async () => 'Token abc'],
    ['a garbage token', async () => 'Bearer not.a.jwt'],
    [
      'a token signed by an unknown key',
      async () => {
        const stranger = await createTestSigningKey();
        return `Bearer ${await signTestAccessToken(stranger, { issuer: testIssuer, audience: testAudience })}`;
      },
    ],
    [
      'an expired token',
      async () =>
        `Bearer ${await app.tokenFor(alice, { exp: Math.floor(Date.now() / 1000) - 60 })}`,
    ],
    [
      'a token for another audience',
      async () => `Bearer ${await app.tokenFor(alice, { aud: 'other' })}`,
    ],
    [
      'a token from another issuer',
      async () => `Bearer ${await app.tokenFor(alice, { iss: 'evil' })}`,
    ],
  ])('when the request has %s, then 401', async (_label, authorization) => {
    const before = await roomCount();
    for (const [method, url] of endpoints) {
      const res = await app.http.inject({
        method,
        url,
        headers: { authorization: await authorization(), 'content-type': 'application/json' },
        ...(method === 'POST' ? { payload: JSON.stringify({ name: uniqueName() }) } : {}),
      });
      expect(res.statusCode).toBe(401);
    }
    expect(await roomCount()).toBe(before);
  });
});

describe('operations endpoints', () => {
  test.each(['/health', '/ready', '/metrics', '/openapi.json'])(
    'when %s is asked without a token, then 200',
    async (url) => {
      const res = await app.http.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
    },
  );

  test('when /ready is asked, then Postgres and the event bus are checked', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/ready' });
    expect(res.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', kafka: 'ok' } });
  });

  test('when /metrics is scraped, then the chat metrics are exposed', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/metrics' });
    for (const name of [
      'chat_messages_received_total',
      'chat_outbox_backlog',
      'chat_outbox_published_total',
      'chat_outbox_publish_failures_total',
    ]) {
      expect(res.body).toContain(name);
    }
  });

  test('when /openapi.json is fetched, then the chat routes are documented with bearer auth', async () => {
    const doc = (await app.http.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/rooms', '/rooms/{id}', '/rooms/{id}/messages']),
    );
    expect(doc.paths['/rooms']?.post?.security).toEqual([{ bearerAuth: [] }]);
  });
});
