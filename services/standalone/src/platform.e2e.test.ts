// The whole platform in one process, end to end through its one port, as a browser and the
// services themselves use it: REST under /api/*, Socket.IO under /socket.io/, the web build,
// the archive fed by the in-process bus and by chat's mover, and a restart on the same DATA_DIR.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { ChatMessage, Room } from '@falablau/common/contracts';
import {
  connectClient,
  record,
  request,
  type ChatClient,
} from '@falablau/chat/dist/testing/socket-client.js';
import { waitFor } from '@falablau/chat/dist/testing/timing.js';
import type { Platform } from './platform.js';
import {
  api,
  createTestStandalone,
  registerUser,
  WEB_ASSET,
  WEB_INDEX,
  type TestStandalone,
  type Tokens,
} from './testing/test-standalone.js';

const password = 'correct horse battery staple';

interface Page {
  messages: ChatMessage[];
  nextCursor: string | null;
}

describe('standalone platform, one process on one port', () => {
  let env: TestStandalone;
  let platform: Platform;
  let base: string;
  let alice: Tokens;
  let bob: Tokens;
  let room: Room;
  const sockets: ChatClient[] = [];

  const connect = async (token: string) => {
    const socket = await connectClient(base, { token });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    env = await createTestStandalone();
    platform = await env.start();
    base = `http://127.0.0.1:${platform.port}`;
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await platform.close();
    await env.dispose();
  });

  test('when started the first time, then it says so and that nobody is an admin yet', () => {
    expect(platform.firstStart).toBe(true);
    expect(platform.hasAdmin).toBe(false);
    expect(platform.url).toBe(`http://localhost:${platform.port}`);
  });

  test('when people register, log in and refresh through /api/auth, then their tokens open /api/auth/users/me', async () => {
    alice = await registerUser(base, 'alice', password);
    bob = await registerUser(base, 'bob', password);
    const login = await api<Tokens>(base, '/api/auth/login', {
      body: { username: 'alice', password },
    });
    expect(login.status).toBe(200);
    const refreshed = await api<Tokens>(base, '/api/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const reused = await api(base, '/api/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(reused.status).toBe(401);
    const me = await api<{ username: string }>(base, '/api/auth/users/me', {
      token: refreshed.body.accessToken,
    });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('alice');
    const wrong = await api(base, '/api/auth/login', {
      body: { username: 'alice', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
  });

  test('when a room is created through /api/chat, then it can be listed and read there', async () => {
    const created = await api<Room>(base, '/api/chat/rooms', {
      token: alice.accessToken,
      body: { name: 'Lobby', topic: 'say hello' },
    });
    expect(created.status).toBe(201);
    room = created.body;
    const listed = await api<{ rooms: Room[] }>(base, '/api/chat/rooms', {
      token: bob.accessToken,
    });
    expect(listed.body.rooms.map((r) => r.name)).toEqual(['Lobby']);
    const read = await api<Room>(base, `/api/chat/rooms/${room.id}`, { token: bob.accessToken });
    expect(read.body).toMatchObject({ id: room.id, name: 'Lobby', topic: 'say hello' });
    const anonymous = await api(base, '/api/chat/rooms');
    expect(anonymous.status).toBe(401);
  });

  test('when two people join over /socket.io/ and one sends, then the other receives it', async () => {
    const aliceSocket = await connect(alice.accessToken);
    const bobSocket = await connect(bob.accessToken);
    const bobSees = record(bobSocket);
    expect(await request(aliceSocket, 'join_room', { roomId: room.id })).toMatchObject({
      ok: true,
    });
    expect(await request(bobSocket, 'join_room', { roomId: room.id })).toMatchObject({ ok: true });
    const ack = await request(aliceSocket, 'send_message', {
      roomId: room.id,
      text: 'hello from the standalone server',
      clientMsgId: randomUUID(),
    });
    expect(ack).toMatchObject({ ok: true, message: { seq: 1, username: 'alice' } });
    const received = await bobSees.next('message');
    expect(received).toMatchObject({
      roomId: room.id,
      seq: 1,
      text: 'hello from the standalone server',
    });
  });

  test('when a browser falls back to long-polling, then /socket.io/ works the same; a foreign page is refused', async () => {
    const polling = await connectClient(base, {
      token: bob.accessToken,
      transports: ['polling'],
      origin: base,
    });
    sockets.push(polling);
    expect(await request(polling, 'join_room', { roomId: room.id })).toMatchObject({ ok: true });
    await expect(
      connectClient(base, { token: bob.accessToken, origin: 'https://evil.example' }),
    ).rejects.toThrow();
  });

  test('when someone logs out, then their open socket is closed (revocation over the in-process bus)', async () => {
    const session = await api<Tokens>(base, '/api/auth/login', {
      body: { username: 'bob', password },
    });
    const socket = await connect(session.body.accessToken);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const logout = await api(base, '/api/auth/logout', {
      method: 'POST',
      token: session.body.accessToken,
    });
    expect(logout.status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    const refused = await api(base, '/api/auth/refresh', {
      body: { refreshToken: session.body.refreshToken },
    });
    expect(refused.status).toBe(401);
  });

  test('when 50 messages are sent at once by five people, then every one is acked with a gap-free seq', async () => {
    const senders = await Promise.all(
      ['carol', 'dave', 'erin', 'frank', 'grace'].map(async (name) => {
        const tokens = await registerUser(base, name, password);
        const socket = await connect(tokens.accessToken);
        await request(socket, 'join_room', { roomId: room.id });
        return socket;
      }),
    );
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(senders[i % senders.length] as ChatClient, 'send_message', {
          roomId: room.id,
          text: `burst ${i}`,
          clientMsgId: randomUUID(),
        }),
      ),
    );
    const seqs = acks.map((ack) => (ack.ok ? ack.message.seq : -1)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));

    // Retries of one message racing each other: stored once, the same answer for every retry.
    const clientMsgId = randomUUID();
    const retries = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(senders[0] as ChatClient, 'send_message', {
          roomId: room.id,
          text: 'sent eight times',
          clientMsgId,
        }),
      ),
    );
    expect(new Set(retries.map((ack) => (ack.ok ? ack.message.seq : -1)))).toEqual(new Set([52]));
    const history = await api<Page>(base, `/api/chat/rooms/${room.id}/messages?limit=100`, {
      token: bob.accessToken,
    });
    expect(history.body.messages.map((m) => m.seq)).toEqual(
      Array.from({ length: 52 }, (_, i) => 52 - i),
    );
  });

  test('when messages are sent, then the archive (fed by the in-process bus) answers through /api/archive', async () => {
    await waitFor(async () => {
      const page = await api<Page>(base, `/api/archive/archive/rooms/${room.id}?limit=100`, {
        token: bob.accessToken,
      });
      return page.body.messages.length === 52;
    }, 'the archive to hold all 52 messages');
    const mine = await api<Page>(base, `/api/archive/archive/users/${bob.user.id}`, {
      token: alice.accessToken,
    });
    expect(mine.status).toBe(403);
  });

  test('when chat’s mover moves old messages, then it got a service token and history continues into the archive', async () => {
    const { chat, postgres } = platform.parts;
    const mover = chat.mover;
    if (!mover) throw new Error('chat has no mover');
    // Make the first 30 messages older than HOT_RETENTION_DAYS.
    await sql`update messages set created_at = now() - interval '30 days' where seq <= 30`.execute(
      postgres.database('chat'),
    );
    const run = await mover.moveOnce();
    expect(run).toMatchObject({ leader: true, moved: 30, conflicts: 0 });
    const left = await sql<{
      n: string;
    }>`select count(*) as n from messages`.execute(postgres.database('chat'));
    expect(left.rows[0]?.n).toBe('22');

    const seen: number[] = [];
    let before: string | null = null;
    do {
      const query: string = before === null ? '' : `&before=${before}`;
      const page: Page = (
        await api<Page>(base, `/api/chat/rooms/${room.id}/messages?limit=20${query}`, {
          token: bob.accessToken,
        })
      ).body;
      seen.push(...page.messages.map((m) => m.seq));
      before = page.nextCursor;
    } while (before !== null);
    expect(seen).toEqual(Array.from({ length: 52 }, (_, i) => 52 - i));
  });

  test('when the web app is asked for, then files, hashed assets and client-side routes are served right', async () => {
    const index = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toBe(WEB_INDEX);

    const deepLink = await fetch(`${base}/rooms/${room.id}`, { headers: { accept: 'text/html' } });
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toBe(WEB_INDEX);

    const asset = await fetch(`${base}/${WEB_ASSET}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    expect((await fetch(`${base}/assets/missing-123.js`)).status).toBe(404);
    const unknownApi = await api<{ error: { code: string } }>(base, '/api/nope/rooms');
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.body.error.code).toBe('NOT_FOUND');
  });

  test('when /health, /ready and /metrics are asked, then they speak for the whole process', async () => {
    expect((await api(base, '/health')).body).toMatchObject({ status: 'ok' });
    const ready = await api<{ checks: Record<string, string> }>(base, '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ auth: 'ok', chat: 'ok', archive: 'ok' });
    expect((await api(base, '/api/chat/ready')).status).toBe(200);

    const metrics = await fetch(`${base}/metrics`);
    const text = await metrics.text();
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const service of ['auth', 'chat', 'archive', 'standalone']) {
      expect(text).toContain(`service="${service}"`);
    }
    expect(text).toContain('process_resident_memory_bytes');
    const families = text.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(new Set(families).size).toBe(families.length);
  });

  test('when a second server starts on the same DATA_DIR, then it is refused', async () => {
    await expect(env.start()).rejects.toThrow(/in use by process/);
  });

  test('when restarted on the same DATA_DIR, then users, rooms and messages are still there', async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await platform.close();
    platform = await env.start();
    base = `http://127.0.0.1:${platform.port}`;
    expect(platform.firstStart).toBe(false);

    const login = await api<Tokens>(base, '/api/auth/login', {
      body: { username: 'bob', password },
    });
    expect(login.status).toBe(200);
    const rooms = await api<{ rooms: Room[] }>(base, '/api/chat/rooms', {
      token: login.body.accessToken,
    });
    expect(rooms.body.rooms.map((r) => r.id)).toEqual([room.id]);
    const history = await api<Page>(base, `/api/chat/rooms/${room.id}/messages?limit=5`, {
      token: login.body.accessToken,
    });
    expect(history.body.messages.map((m) => m.seq)).toEqual([52, 51, 50, 49, 48]);
    const archived = await api<Page>(base, `/api/archive/archive/rooms/${room.id}?limit=100`, {
      token: login.body.accessToken,
    });
    expect(archived.body.messages).toHaveLength(52);

    const socket = await connect(login.body.accessToken);
    const joined = await request(socket, 'join_room', { roomId: room.id, afterSeq: 49 });
    expect(joined.ok && joined.missed.map((m) => m.seq)).toEqual([50, 51, 52]);
    const ack = await request(socket, 'send_message', {
      roomId: room.id,
      text: 'back after a restart',
      clientMsgId: randomUUID(),
    });
    expect(ack).toMatchObject({ ok: true, message: { seq: 53 } });
  }, 60_000);
});

describe('standalone platform without a web build', () => {
  let env: TestStandalone;
  let platform: Platform;

  beforeAll(async () => {
    env = await createTestStandalone({ withWebBuild: false });
    platform = await env.start({ ADMIN_USERNAMES: 'root' });
  }, 60_000);

  afterAll(async () => {
    await platform.close();
    await env.dispose();
  });

  test('when the web app is not built, then pages say so and the APIs still work', async () => {
    const base = `http://127.0.0.1:${platform.port}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('web app is not built');
    const registered = await registerUser(base, 'root', password);
    expect(registered.user).toMatchObject({ username: 'root', role: 'admin' });
  });
});
