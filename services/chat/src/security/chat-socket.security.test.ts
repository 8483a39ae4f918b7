// chat-service's Socket.IO surface with nothing stood in for: a real auth-service process (its
// signing key known to the test, so forgeries are made against the key chat really trusts via
// the JWKS), two chat processes sharing Postgres, Redis and Kafka, real logins and logouts.
// - the JWT negative suite at the handshake: every case refused with its reason, no socket;
// - the Origin allow-list, over WebSocket and long-polling;
// - a revoked session (logout) cannot come back: not by reconnecting, not by presenting the
//   previous socket's id and offset (connection-state recovery is off), not by refreshing;
// - per-event authorisation: sending or typing in a room not joined, unknown rooms, someone
//   else's id in any payload → refused, nothing stored, nobody told;
// - oversized frames (over maxHttpBufferSize) and texts: refused at once, nothing stored, and a
//   burst of them leaves the process's memory flat (figures in .infra/security/limits-chat.json);
// - floods: messages (per user, across processes) and room creation (ROOM_CREATE_RATE_LIMIT set
//   short through the environment, counted in Redis across both processes).
import { generateKeyPairSync, createPrivateKey, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@falablau/common';
import {
  builtEntryPoint,
  jwtNegativeCases,
  MiB,
  oversizedInputs,
  oversizedString,
  requireServer,
  residentBytes,
  startServiceProcess,
  validToken,
  type JwtCaseOptions,
  type JwtNegativeCase,
  type ServiceProcess,
} from '@falablau/common/testing';
import type { Room } from '@falablau/common/contracts';
import { startChatCluster, type ChatCluster } from '../testing/chat-cluster.js';
import {
  connectClient,
  connectRefusal,
  createClient,
  disconnected,
  expectAckError,
  expectOk,
  openClient,
  rawEmit,
  record,
  request,
  type ChatClient,
  type ConnectOptions,
} from '../testing/socket-client.js';
import { settle, waitFor } from '../testing/timing.js';

const authDir = fileURLToPath(new URL('../../../auth/', import.meta.url));
const figuresFile = fileURLToPath(
  new URL('../../../../.infra/security/limits-chat.json', import.meta.url),
);
const appOrigin = 'https://app.falablau.test';
const kid = 'chat-security-test-key';
const password = 'correct horse battery staple';

interface Login {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  user: { id: string; username: string; role: 'user' | 'admin' };
}

let authDb: ThrowawayDatabase;
let auth: ServiceProcess;
let cluster: ChatCluster;
let privatePem: string;
let alice: Login;
let bob: Login;
let room: Room;
const clients: ChatClient[] = [];
const figures: Record<string, unknown> = {};

async function authCall(
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${auth.url}${path}`, {
    method: 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function registerUser(name: string): Promise<Login> {
  const res = await authCall('/register', {
    username: `${name}_${randomUUID().slice(0, 8)}`,
    password,
  });
  if (res.status !== 201) throw new Error(`register ${name}: ${res.status}`);
  return res.body as Login;
}

async function newSession(user: Login): Promise<Login> {
  const res = await authCall('/login', { username: user.user.username, password });
  if (res.status !== 200) throw new Error(`login ${user.user.username}: ${res.status}`);
  return res.body as Login;
}

async function createRoom(token: string, via = cluster.process(0)): Promise<Response> {
  return fetch(`${via.url}/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `sec-${randomUUID()}` }),
  });
}

async function connect(
  token: string,
  via = cluster.process(0),
  options: ConnectOptions = {},
): Promise<ChatClient> {
  const client = await connectClient(via.url, { ...options, token });
  clients.push(client);
  return client;
}

/** A gauge or counter of a chat process, read from its /metrics. */
async function metric(via: ServiceProcess, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${via.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}${labels} `) || l.startsWith(`${name}${labels}{`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

const storedMessages = async (roomId: string): Promise<number> =>
  Number(
    (
      await cluster.query<{ n: string }>('select count(*) as n from messages where room_id = $1', [
        roomId,
      ])
    )[0]?.n,
  );

beforeAll(async () => {
  authDb = await createThrowawayDatabase(requireServer('DATABASE_URL'), 'chat_security_auth');
  privatePem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  auth = await startServiceProcess({
    name: 'auth-chat-security',
    entryPoint: builtEntryPoint(authDir, '@falablau/auth'),
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: authDb.url,
      KAFKA_BOOTSTRAP_SERVERS: requireServer('KAFKA_BOOTSTRAP_SERVERS'),
      JWT_PRIVATE_KEY: privatePem,
      JWT_KEY_ID: kid,
      IP_RATE_LIMIT_MAX: '1000000',
    },
  });
  cluster = await startChatCluster({
    name: 'chat_security',
    processes: 2,
    corsOrigins: [appOrigin],
    env: { AUTH_SERVICE_URL: auth.url, ROOM_CREATE_RATE_LIMIT: '3/2s' },
  });
  alice = await registerUser('alice');
  bob = await registerUser('bob');
  const res = await createRoom(alice.accessToken);
  if (res.status !== 201) throw new Error(`POST /rooms: ${res.status} ${await res.text()}`);
  room = (await res.json()) as Room;
}, 120_000);

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

afterAll(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await cluster.close();
  await auth.stop();
  await authDb.drop();
  mkdirSync(dirname(figuresFile), { recursive: true });
  writeFileSync(figuresFile, `${JSON.stringify(figures, null, 2)}\n`);
});

describe('the JWT negative suite at the Socket.IO handshake', () => {
  let jwt: JwtCaseOptions;
  let cases: JwtNegativeCase[];
  beforeAll(async () => {
    jwt = {
      key: { kid, privateKey: createPrivateKey(privatePem) },
      issuer: 'falablau-auth',
      audience: 'falablau',
      subject: { sub: alice.user.id, sid: alice.sessionId, username: alice.user.username },
      refreshToken: alice.refreshToken,
    };
    cases = await jwtNegativeCases(jwt);
  });

  test('when the token is built like the forgeries with nothing wrong, then both processes accept it', async () => {
    const token = await validToken(jwt);
    for (const via of cluster.processes) expect((await connect(token, via)).connected).toBe(true);
  });

  test('when each forged, stale or misdirected token is presented, then the handshake is refused with its reason and no socket exists', async () => {
    const sockets = await Promise.all(
      cluster.processes.map((p) => metric(p, 'chat_connected_sockets')),
    );
    for (const [i, c] of cases.entries()) {
      const via = cluster.process(i % 2);
      const error = await connectRefusal(via.url, { token: c.token });
      expect({ case: c.id, message: error.message, data: error.data }).toEqual({
        case: c.id,
        message: expect.stringMatching(c.expected.message) as string,
        data: { code: 'UNAUTHORIZED' },
      });
    }
    await settle(200);
    expect(
      await Promise.all(cluster.processes.map((p) => metric(p, 'chat_connected_sockets'))),
    ).toEqual(sockets);
  });

  test.each([
    ['no auth at all', {}],
    ['a token over 8 KiB', { token: `${'a'.repeat(9_000)}.b.c` }],
  ])('when the handshake carries %s, then it is refused', async (_label, options) => {
    const error = await connectRefusal(cluster.process(0).url, options);
    expect(error.message).toBe('Authentication required: send the access token as auth.token');
  });
});

describe('the Origin allow-list at the handshake', () => {
  const refused = [
    ['another site', 'https://evil.test'],
    ['a look-alike host', 'https://app.falablau.test.evil.test'],
    ['a suffix match', 'https://evilapp.falablau.test'],
    ['another port', 'https://app.falablau.test:8443'],
    ['another scheme', 'http://app.falablau.test'],
    ['an opaque origin', 'null'],
    ['garbage', 'not a url'],
  ];

  test.each(refused)(
    'when a page on %s connects with a valid token, then both transports are refused',
    async (_label, origin) => {
      for (const transports of [['websocket'], ['polling']] as const) {
        const error = await connectRefusal(cluster.process(0).url, {
          token: alice.accessToken,
          origin,
          transports: [...transports],
        });
        expect(error.message).toMatch(/websocket error|xhr poll error/);
      }
    },
  );

  test('when a page on the allowed origin, on the service’s own origin, or no browser at all connects, then it is accepted', async () => {
    const via = cluster.process(0);
    for (const origin of [appOrigin, via.url, undefined]) {
      for (const transports of [['websocket'], ['polling']] as const) {
        const client = await connect(alice.accessToken, via, {
          transports: [...transports],
          ...(origin === undefined ? {} : { origin }),
        });
        expect(client.connected).toBe(true);
      }
    }
  });
});

describe('a revoked session cannot come back', () => {
  test('when the user logs out, then the session’s sockets close on both processes and no way back in works', async () => {
    const session = await newSession(alice);
    const first = await connect(session.accessToken, cluster.process(0));
    const second = await connect(session.accessToken, cluster.process(1));
    expectOk(await request(first, 'join_room', { roomId: room.id }));
    // No recovery offered: the server sent no private session id (`pid`) to come back with.
    expect(first.recovered).toBeFalsy();
    expect((first as unknown as { _pid?: string })._pid).toBeUndefined();
    const previousId = first.id ?? '';

    const closed = Promise.all([disconnected(first, 5_000), disconnected(second, 5_000)]);
    const loggedOut = await authCall('/logout', undefined, session.accessToken);
    expect(loggedOut.status).toBe(204);
    expect(await closed).toEqual(['io server disconnect', 'io server disconnect']);

    // 1. The same token, a new connection, on either process.
    for (const via of cluster.processes) {
      const error = await connectRefusal(via.url, { token: session.accessToken });
      expect(error.message).toBe('Session ended: log in again');
    }
    // 2. The same client object reconnecting (what socket.io-client does after a drop).
    await expect(openClient(first)).rejects.toThrow('Session ended: log in again');
    // 3. Connection-state recovery: the previous socket's id and an offset, as a client that
    //    had recovery would present them. Recovery is off, and the token check comes first.
    for (const via of cluster.processes) {
      const client = createClient(via.url);
      client.auth = { token: session.accessToken, pid: previousId, offset: '0-0' };
      await expect(openClient(client)).rejects.toThrow('Session ended: log in again');
      expect(client.connected).toBe(false);
    }
    // 4. New tokens: the session's refresh token died with it.
    const refreshed = await authCall('/refresh', { refreshToken: session.refreshToken });
    expect(refreshed.status).toBe(401);
    // The user's other session is untouched.
    expect((await connect(alice.accessToken, cluster.process(1))).connected).toBe(true);
  });

  test('when a live session reconnects with its previous socket id and offset, then nothing is recovered: rooms are re-joined explicitly', async () => {
    const listener = await connect(bob.accessToken, cluster.process(1));
    expectOk(await request(listener, 'join_room', { roomId: room.id }));
    const client = createClient(cluster.process(0).url, { token: alice.accessToken });
    clients.push(client);
    await openClient(client);
    expectOk(await request(client, 'join_room', { roomId: room.id }));
    const previousId = client.id ?? '';
    client.disconnect();

    const again = createClient(cluster.process(0).url, { token: alice.accessToken });
    clients.push(again);
    again.auth = { token: alice.accessToken, pid: previousId, offset: '0-0' };
    await openClient(again);
    expect(again.recovered).toBeFalsy();
    const events = record(again);
    // A message to the room does not reach the reconnected socket until it joins again.
    const text = `after reconnect ${randomUUID()}`;
    expectOk(
      await request(listener, 'send_message', { roomId: room.id, text, clientMsgId: randomUUID() }),
    );
    await settle(500);
    expect(events.all('message')).toEqual([]);
  });
});

describe('per-event authorisation', () => {
  let stranger: ChatClient;
  let member: ChatClient;
  let memberEvents: ReturnType<typeof record>;
  let strangerLogin: Login;

  beforeAll(async () => {
    strangerLogin = await registerUser('stranger');
  });

  beforeEach(async () => {
    member = await connect(alice.accessToken, cluster.process(0));
    expectOk(await request(member, 'join_room', { roomId: room.id }));
    memberEvents = record(member);
    stranger = await connect(strangerLogin.accessToken, cluster.process(1));
  });

  test('when someone sends to or types in a room they have not joined, then NOT_A_MEMBER, nothing stored, nobody told', async () => {
    const before = await storedMessages(room.id);
    expectAckError(
      await request(stranger, 'send_message', {
        roomId: room.id,
        text: 'let me in',
        clientMsgId: randomUUID(),
      }),
      'NOT_A_MEMBER',
    );
    expectAckError(
      await request(stranger, 'typing', { roomId: room.id, isTyping: true }),
      'NOT_A_MEMBER',
    );
    expectAckError(await request(stranger, 'leave_room', { roomId: room.id }), 'NOT_A_MEMBER');
    await settle(500);
    expect(await storedMessages(room.id)).toBe(before);
    expect(memberEvents.all('message')).toEqual([]);
    expect(memberEvents.all('typing')).toEqual([]);
  });

  test('when a room does not exist, then every event says ROOM_NOT_FOUND and nothing is stored', async () => {
    const ghost = randomUUID();
    expectAckError(await request(stranger, 'join_room', { roomId: ghost }), 'ROOM_NOT_FOUND');
    expectAckError(
      await request(stranger, 'send_message', {
        roomId: ghost,
        text: 'x',
        clientMsgId: randomUUID(),
      }),
      'ROOM_NOT_FOUND',
    );
    expectAckError(
      await request(stranger, 'typing', { roomId: ghost, isTyping: true }),
      'ROOM_NOT_FOUND',
    );
    expectAckError(await request(stranger, 'leave_room', { roomId: ghost }), 'ROOM_NOT_FOUND');
    const rows = await cluster.query(
      'select 1 from room_members where room_id = $1 union all select 1 from messages where room_id = $1',
      [ghost],
    );
    expect(rows).toEqual([]);
  });

  test.each([
    ['userId', (id: string) => ({ userId: id })],
    ['username', () => ({ username: 'alice' })],
    ['sub', (id: string) => ({ sub: id })],
    ['sessionId', () => ({ sessionId: randomUUID() })],
    ['user object', (id: string) => ({ user: { id } })],
  ])(
    'when a payload carries someone else’s %s, then every event refuses it and nothing is stored',
    async (_label, extra) => {
      const before = await storedMessages(room.id);
      const membersBefore = await cluster.query(
        'select user_id from room_members where room_id = $1 order by user_id',
        [room.id],
      );
      const other = alice.user.id;
      const payloads: [string, Record<string, unknown>][] = [
        ['join_room', { roomId: room.id, ...extra(other) }],
        [
          'send_message',
          { roomId: room.id, text: 'as alice', clientMsgId: randomUUID(), ...extra(other) },
        ],
        ['typing', { roomId: room.id, isTyping: true, ...extra(other) }],
        ['leave_room', { roomId: room.id, ...extra(other) }],
      ];
      for (const [event, payload] of payloads) {
        expectAckError(await request(stranger, event as 'join_room', payload), 'VALIDATION_FAILED');
      }
      await settle(300);
      expect(await storedMessages(room.id)).toBe(before);
      expect(
        await cluster.query(
          'select user_id from room_members where room_id = $1 order by user_id',
          [room.id],
        ),
      ).toEqual(membersBefore);
      expect(memberEvents.all('message')).toEqual([]);
    },
  );

  test('when the stranger joins (rooms are public) and sends, then the message is theirs, whatever they claim', async () => {
    expectOk(await request(stranger, 'join_room', { roomId: room.id }));
    const ack = expectOk(
      await request(stranger, 'send_message', {
        roomId: room.id,
        text: 'hello, I am alice',
        clientMsgId: randomUUID(),
      }),
    );
    expect(ack.message).toMatchObject({
      userId: strangerLogin.user.id,
      username: strangerLogin.user.username,
    });
    expectOk(await request(stranger, 'leave_room', { roomId: room.id }));
  });
});

describe('oversized frames and texts', () => {
  test('when a frame over 64 KiB arrives, over WebSocket or long-polling, then the connection is closed at once and nothing is stored', async () => {
    for (const [transport, reason] of [
      ['websocket', 'transport close'],
      // engine.io answers the oversized POST with 413; the client gives up the transport.
      ['polling', 'transport error'],
    ] as const) {
      const client = await connect(alice.accessToken, cluster.process(0), {
        transports: [transport],
      });
      expectOk(await request(client, 'join_room', { roomId: room.id }));
      const before = await storedMessages(room.id);
      const started = performance.now();
      const gone = disconnected(client, 5_000);
      rawEmit(client, 'send_message', {
        roomId: room.id,
        text: oversizedString(oversizedInputs.socketMessageBytes),
        clientMsgId: randomUUID(),
      });
      expect(await gone).toBe(reason);
      expect(performance.now() - started).toBeLessThan(2_000);
      await settle(200);
      expect(await storedMessages(room.id)).toBe(before);
    }
  });

  test.each([
    ['4001 characters', 4_001],
    ['60 000 characters (under the frame limit)', 60_000],
  ])(
    'when a message text has %s, then VALIDATION_FAILED at once and nothing is stored',
    async (_label, length) => {
      const client = await connect(alice.accessToken, cluster.process(0));
      expectOk(await request(client, 'join_room', { roomId: room.id }));
      const before = await storedMessages(room.id);
      const started = performance.now();
      expectAckError(
        await request(client, 'send_message', {
          roomId: room.id,
          text: 'y'.repeat(length),
          clientMsgId: randomUUID(),
        }),
        'VALIDATION_FAILED',
      );
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(await storedMessages(room.id)).toBe(before);
    },
  );

  test('when 100 clients each send a 1 MiB frame, then all are cut off and the process’s memory stays flat', async () => {
    const via = cluster.process(0);
    const frame = oversizedString(oversizedInputs.socketMessageBytes);
    const burst = async (count: number): Promise<number[]> => {
      const times: number[] = [];
      for (let sent = 0; sent < count; sent += 10) {
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            const client = await connect(alice.accessToken, via);
            const started = performance.now();
            const gone = disconnected(client, 5_000);
            rawEmit(client, 'typing', { roomId: room.id, isTyping: true, pad: frame });
            expect(await gone).toBe('transport close');
            times.push(performance.now() - started);
          }),
        );
      }
      return times;
    };
    await burst(20);
    const before = residentBytes(via.pid);
    const first = await burst(50);
    const afterFirst = residentBytes(via.pid);
    const second = await burst(50);
    const afterSecond = residentBytes(via.pid);
    const times = [...first, ...second].sort((a, b) => a - b);
    figures.oversizedFrames = {
      frames: times.length,
      frameBytes: frame.length,
      concurrency: 10,
      closeMsP50: Math.round(times[Math.floor(times.length / 2)] ?? 0),
      closeMsMax: Math.round(times.at(-1) ?? 0),
      rssBeforeMiB: Math.round(before / MiB),
      rssAfterFirstMiB: Math.round(afterFirst / MiB),
      rssAfterSecondMiB: Math.round(afterSecond / MiB),
    };
    expect(afterSecond - before).toBeLessThan(64 * MiB);
    expect(afterSecond - afterFirst).toBeLessThan(24 * MiB);
    // Still serving.
    const client = await connect(alice.accessToken, via);
    expectOk(await request(client, 'join_room', { roomId: room.id }));
  }, 90_000);
});

describe('floods', () => {
  test('when a user fires 50 messages at once from two processes, then exactly 20 are stored and the rest are RATE_LIMITED', async () => {
    const flooder = await registerUser('flooder');
    const a = await connect(flooder.accessToken, cluster.process(0));
    const b = await connect(flooder.accessToken, cluster.process(1));
    expectOk(await request(a, 'join_room', { roomId: room.id }));
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(i % 2 === 0 ? a : b, 'send_message', {
          roomId: room.id,
          text: `flood ${i}`,
          clientMsgId: `flood-${i}`,
        }),
      ),
    );
    expect(acks.filter((ack) => ack.ok)).toHaveLength(20);
    const limited = acks.filter((ack) => !ack.ok);
    expect(limited).toHaveLength(30);
    for (const ack of limited)
      expect(ack).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const stored = await cluster.query('select id from messages where user_id = $1', [
      flooder.user.id,
    ]);
    expect(stored).toHaveLength(20);
    // Others are not held back by someone else's flood.
    const other = await connect(bob.accessToken, cluster.process(1));
    expectOk(await request(other, 'join_room', { roomId: room.id }));
    expectOk(
      await request(other, 'send_message', {
        roomId: room.id,
        text: 'still here',
        clientMsgId: randomUUID(),
      }),
    );
  });

  test('when a user creates rooms in a loop on both processes, then ROOM_CREATE_RATE_LIMIT (3/2s here) holds cluster-wide, with Retry-After, and frees up after the window', async () => {
    const creator = await registerUser('creator');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createRoom(creator.accessToken, cluster.process(i % 2))),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const limited = answers.find((res) => res.status === 429);
    const retryAfter = Number(limited?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(await limited?.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const owned = await cluster.query('select id from rooms where created_by = $1', [
      creator.user.id,
    ]);
    expect(owned).toHaveLength(3);

    await waitFor(
      async () => (await createRoom(creator.accessToken, cluster.process(1))).status === 201,
      'room creation to be allowed again after the window',
      { timeoutMs: 5_000, intervalMs: 500 },
    );
  });
});
