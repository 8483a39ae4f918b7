// The move end to end, with real servers: chat-service (Postgres) sends messages, its mover hands
// the old ones to a real archive-service (FerretDB) with a service token from a real
// auth-service, and history and replays page over the boundary as if nothing had moved.
//
// The archive and auth apps come from their packages' build output (like @falablau/common), so
// they are set up here rather than in a shared helper: chat's own build must not need them.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { sql } from 'kysely';
import {
  createCallerVerifier,
  createLogger,
  createMetrics,
  serviceTokenClaims,
  signTestAccessToken,
  type Logger,
} from '@falablau/common';
import type { ChatMessage, RoomMember } from '@falablau/common/contracts';
import { createApp as createArchiveApp, type ArchiveApp } from '@falablau/archive/dist/app.js';
import type { ArchiveStore } from '@falablau/archive/dist/store/archive-store.js';
import { createMongoArchiveStore } from '@falablau/archive/dist/store/mongo/mongo-archive-store.js';
import { defaultTestConfig as archiveTestConfig } from '@falablau/archive/dist/testing/test-app.js';
import { createTestMongo, type TestMongo } from '@falablau/archive/dist/testing/test-mongo.js';
import {
  startTestAuthApp,
  testAudience,
  testIssuer,
  type TestAuthApp,
} from '@falablau/auth/dist/testing/auth-test-app.js';
import { createRealtime } from '../realtime/index.js';
import { createTestChatApp, type TestChatApp } from '../routes/test-app.js';
import { connectClient, expectAckError, expectOk, request } from '../testing/socket-client.js';
import { waitFor } from '../testing/timing.js';
import type { ArchiveConfig } from './archive.config.js';
import { createArchiveClient } from './archive-client.js';

const chatClientId = 'chat-service';
const chatClientSecret = 'chat-test-secret-0123456789';
const DAY_MS = 86_400_000;

// ── auth + archive, real and in-process ───────────────────────────────────────────────────────

interface ArchivedDoc {
  _id: string;
  roomId: string;
  seq: number;
}

let logger: Logger;
let auth: TestAuthApp;
let authUrl: string;
let mongo: TestMongo;
let archive: ArchiveApp;
let archiveUrl: string;
/** Every batch archive-service was asked to store, as message ids. */
const archiveWrites: string[][] = [];
/** Archive behaviour tests switch on: every write fails inside the archive (it answers 500)… */
let failArchiveWrites = false;
/** …or is held this long first (so concurrent movers really overlap). */
let archiveWriteDelayMs = 0;

function portOf(address: string | { port: number } | null): number {
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return address.port;
}

async function startAuth(): Promise<void> {
  auth = await startTestAuthApp({
    serviceClients: {
      [chatClientId]: { secret: chatClientSecret, scopes: ['archive:read', 'archive:write'] },
    },
  });
  await auth.app.listen({ port: 0, host: '127.0.0.1' });
  authUrl = `http://127.0.0.1:${String(portOf(auth.app.server.address()))}`;
}

async function startArchive(): Promise<void> {
  mongo = await createTestMongo('chat_e2e');
  const real = createMongoArchiveStore({ db: mongo.db, ttlDays: 365, logger });
  const store: ArchiveStore = {
    ...real,
    upsertMany: async (messages) => {
      archiveWrites.push(messages.map((m) => m.id));
      if (archiveWriteDelayMs > 0) await new Promise((r) => setTimeout(r, archiveWriteDelayMs));
      if (failArchiveWrites) throw new Error('test: the archive database fails');
      return real.upsertMany(messages);
    },
  };
  archive = await createArchiveApp({
    config: archiveTestConfig,
    logger,
    metrics: createMetrics({ service: 'archive', defaultMetrics: false }),
    store,
    // Tokens are checked against auth-service's keys, as in a deployment.
    verifier: createCallerVerifier({
      keySet: auth.signingKeys.jwks,
      issuer: testIssuer,
      audience: testAudience,
    }),
  });
  const { port } = await archive.start(0, '127.0.0.1');
  archiveUrl = `http://127.0.0.1:${String(port)}`;
}

function archiveConfig(overrides: Partial<ArchiveConfig> = {}): ArchiveConfig {
  return {
    url: archiveUrl,
    tokenEndpoint: `${authUrl}/oauth/token`,
    clientId: chatClientId,
    clientSecret: chatClientSecret,
    hotRetentionMs: 7 * DAY_MS,
    // Tests call moveOnce(); the timer stays out of their way.
    moveIntervalMs: 3_600_000,
    moveBatchSize: 25,
    requestTimeoutMs: 5_000,
    ...overrides,
  };
}

async function archivedSeqs(roomId: string): Promise<number[]> {
  const docs = await mongo.db
    .collection<ArchivedDoc>('messages')
    .find({ roomId })
    .sort({ seq: 1 })
    .toArray();
  return docs.map((doc) => doc.seq);
}

/** A port nothing listens on: an archive-service that is down. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = portOf(server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ── chat ──────────────────────────────────────────────────────────────────────────────────────

let chat: TestChatApp;
let chatUrl: string;
const author: RoomMember = { userId: randomUUID(), username: 'author' };

beforeAll(async () => {
  logger = createLogger({ name: 'chat-archive-e2e', level: 'silent' });
  await startAuth();
  await startArchive();
  chat = await createTestChatApp('chat_archive_e2e', {
    config: { archive: archiveConfig() },
    createRealtime,
  });
  const { port } = await chat.start();
  chatUrl = `http://127.0.0.1:${String(port)}`;
}, 60_000);

afterAll(async () => {
  await chat.dispose();
  await archive.close();
  await mongo.drop();
  await auth.dispose();
});

beforeEach(() => {
  failArchiveWrites = false;
  archiveWriteDelayMs = 0;
});

function mover(app: TestChatApp = chat) {
  if (!app.mover) throw new Error('this chat app has no archive configured');
  return app.mover;
}

/** A room with `count` messages sent through chat, all published to Kafka by its relay. */
async function roomWithMessages(count: number): Promise<{ roomId: string; sent: ChatMessage[] }> {
  const room = await chat.rooms.create(author, { name: `archive ${randomUUID()}` });
  const sent: ChatMessage[] = [];
  for (let i = 1; i <= count; i++) {
    const { message } = await chat.messages.send({
      roomId: room.id,
      ...author,
      text: `message ${String(i)}`,
      clientMsgId: randomUUID(),
    });
    sent.push(message);
  }
  await waitFor(async () => (await unpublished(room.id)) === 0, 'the relay to publish them');
  return { roomId: room.id, sent };
}

async function unpublished(roomId: string): Promise<number> {
  const result = await sql<{ n: string }>`
    select count(*) as n from messages where room_id = ${roomId} and published_at is null`.execute(
    chat.database.db,
  );
  return Number(result.rows[0]?.n);
}

/**
 * Makes the room's messages up to `uptoSeq` older than the hot retention; resolves to all of the
 * room's messages as Postgres then holds them (what the archive and history must give back).
 */
async function age(roomId: string, uptoSeq: number, days = 8): Promise<ChatMessage[]> {
  await sql`update messages set created_at = created_at - make_interval(days => ${days})
    where room_id = ${roomId} and seq <= ${uptoSeq}`.execute(chat.database.db);
  return (await chat.messages.since(roomId, 0, 1000)).messages;
}

async function hotSeqs(roomId: string): Promise<number[]> {
  const rows = await chat.database.db
    .selectFrom('messages')
    .select('seq')
    .where('room_id', '=', roomId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => Number(row.seq));
}

interface Page {
  messages: ChatMessage[];
  nextCursor: string | null;
}

async function getPage(app: TestChatApp, roomId: string, query: string) {
  const token = await app.tokenFor({ userId: randomUUID(), username: 'reader' });
  return app.http.inject({
    method: 'GET',
    url: `/rooms/${roomId}/messages${query}`,
    headers: { authorization: `Bearer ${token}` },
  });
}

/** Pages back with nextCursor until it is null; every page must answer 200. */
async function readAll(
  roomId: string,
  limit: number,
): Promise<{ seqs: number[]; all: ChatMessage[] }> {
  const all: ChatMessage[] = [];
  let query = `?limit=${String(limit)}`;
  for (let pages = 0; pages < 100; pages++) {
    const res = await getPage(chat, roomId, query);
    expect(res.statusCode).toBe(200);
    const page = res.json<Page>();
    all.push(...page.messages);
    if (page.nextCursor === null) break;
    query = `?limit=${String(limit)}&before=${encodeURIComponent(page.nextCursor)}`;
  }
  return { seqs: all.map((m) => m.seq), all };
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function counter(app: TestChatApp, name: string): Promise<number> {
  const metric = await app.metrics.registry.getSingleMetric(name)?.get();
  return metric?.values[0]?.value ?? 0;
}

// ── the tests ─────────────────────────────────────────────────────────────────────────────────

describe('moving old messages to the archive', () => {
  let roomId: string;
  let sent: ChatMessage[];

  beforeAll(async () => {
    ({ roomId } = await roomWithMessages(60));
    sent = await age(roomId, 38);
    const moved = await counter(chat, 'chat_archive_moved_total');
    await expect(mover().moveOnce()).resolves.toEqual({ leader: true, moved: 38, conflicts: 0 });
    expect(await counter(chat, 'chat_archive_moved_total')).toBe(moved + 38);
  });

  test('when messages are past the hot retention, then they are in the archive and gone from Postgres', async () => {
    expect(await archivedSeqs(roomId)).toEqual(range(1, 38));
    expect(await hotSeqs(roomId)).toEqual(range(39, 60));
    // Moved as Postgres held them: same ids, texts, authors and times.
    const res = await fetch(`${archiveUrl}/archive/rooms/${roomId}?limit=200`, {
      headers: { authorization: `Bearer ${await serviceToken(['archive:read'])}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page.messages).toEqual(sent.slice(0, 38).reverse());
  });

  test('when a reader pages back with nextCursor, then every message comes once, newest first, across the boundary', async () => {
    for (const limit of [7, 22, 100]) {
      const { all } = await readAll(roomId, limit);
      expect(all).toEqual([...sent].reverse());
    }
  });

  test('when a page ends exactly at the boundary, then its cursor continues into the archive', async () => {
    const first = (await getPage(chat, roomId, '?limit=22')).json<Page>();
    expect(first.messages.map((m) => m.seq)).toEqual(range(39, 60).reverse());
    expect(first.nextCursor).toBe('39');
    const second = (await getPage(chat, roomId, '?limit=22&before=39')).json<Page>();
    expect(second.messages.map((m) => m.seq)).toEqual(range(17, 38).reverse());
    expect(second.nextCursor).toBe('17');
  });

  test('when a client rejoins with an afterSeq before the boundary, then it gets exactly what it missed, oldest first', async () => {
    const me = { userId: randomUUID(), username: 'returning' };
    const client = await connectClient(chatUrl, { token: await chat.tokenFor(me) });
    try {
      const missed = expectOk(await request(client, 'join_room', { roomId, afterSeq: 20 }));
      expect(missed.missed).toEqual(sent.slice(20));
      expect(missed.hasMoreMissed).toBe(false);
      const everything = expectOk(await request(client, 'join_room', { roomId, afterSeq: 0 }));
      expect(everything.missed).toEqual(sent);
      const onlyArchived = expectOk(await request(client, 'join_room', { roomId, afterSeq: 37 }));
      expect(onlyArchived.missed).toEqual(sent.slice(37));
    } finally {
      client.disconnect();
    }
  });

  test('when nothing more is due, then a run moves nothing', async () => {
    await expect(mover().moveOnce()).resolves.toEqual({ leader: true, moved: 0, conflicts: 0 });
    expect(await hotSeqs(roomId)).toEqual(range(39, 60));
  });
});

describe('which messages move', () => {
  test('when a message is not published to Kafka yet, then it and the rest of its room stay in Postgres', async () => {
    const { roomId } = await roomWithMessages(10);
    await age(roomId, 10);
    await sql`update messages set published_at = null where room_id = ${roomId} and seq = 5`.execute(
      chat.database.db,
    );
    await mover().moveOnce();
    expect(await archivedSeqs(roomId)).toEqual([1, 2, 3, 4]);
    expect(await hotSeqs(roomId)).toEqual(range(5, 10));
  });

  test('when a younger message has an older seq, then nothing past it moves', async () => {
    const { roomId } = await roomWithMessages(6);
    // seq 3 is young, its neighbours old (a sender that waited for the room's lock).
    await age(roomId, 6);
    await sql`update messages set created_at = now() where room_id = ${roomId} and seq = 3`.execute(
      chat.database.db,
    );
    await mover().moveOnce();
    expect(await archivedSeqs(roomId)).toEqual([1, 2]);
    const { seqs } = await readAll(roomId, 4);
    expect(seqs).toEqual([6, 5, 4, 3, 2, 1]);
  });
});

describe('messages the archive has already', () => {
  test('when the archive got the messages before (from Kafka, or a run that failed after posting), then the mover still moves them once', async () => {
    const { roomId } = await roomWithMessages(20);
    const sent = await age(roomId, 20);
    const client = createArchiveClient({
      baseUrl: archiveUrl,
      tokens: { token: () => serviceToken(['archive:write']), reject: () => undefined },
      timeoutMs: 5_000,
      logger,
    });
    await expect(client.store(sent.slice(0, 12))).resolves.toMatchObject({ inserted: 12 });

    await expect(mover().moveOnce()).resolves.toMatchObject({ moved: 20, conflicts: 0 });

    expect(await archivedSeqs(roomId)).toEqual(range(1, 20));
    expect(await hotSeqs(roomId)).toEqual([]);
  });
});

describe('conflicts', () => {
  test('when the archive holds another message at a seq, then that message and the rest of its room stay in Postgres', async () => {
    const { roomId } = await roomWithMessages(6);
    const sent = await age(roomId, 6);
    const impostor = { ...sent[3], id: randomUUID(), text: 'not the real seq 4' } as ChatMessage;
    const res = await fetch(`${archiveUrl}/archive/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await serviceToken(['archive:write'])}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ messages: [impostor] }),
    });
    expect(res.status).toBe(200);
    const conflicts = await counter(chat, 'chat_archive_move_conflicts_total');

    const run = await mover().moveOnce();

    expect(run.conflicts).toBe(1);
    expect(await counter(chat, 'chat_archive_move_conflicts_total')).toBe(conflicts + 1);
    expect(await hotSeqs(roomId)).toEqual([4, 5, 6]);
    // The room stays stuck (and is posted again each run) until someone resolves the conflict.
    await expect(mover().moveOnce()).resolves.toMatchObject({ moved: 0, conflicts: 1 });
    await sql`delete from rooms where id = ${roomId}`.execute(chat.database.db);
  });
});

describe('two movers at once', () => {
  test('when movers of two replicas start together, then one leads and each message moves exactly once', async () => {
    const other = await createTestChatApp('chat_archive_e2e_b', {
      database: chat.database,
      config: { archive: archiveConfig() },
    });
    try {
      const { roomId } = await roomWithMessages(70);
      const sent = await age(roomId, 70);
      archiveWriteDelayMs = 150;
      const writesBefore = archiveWrites.length;

      const runs = await Promise.all([
        mover().moveOnce(),
        mover(other).moveOnce(),
        mover().moveOnce(),
        mover(other).moveOnce(),
      ]);

      expect(runs.filter((r) => r.leader)).toHaveLength(1);
      expect(runs.reduce((sum, r) => sum + r.moved, 0)).toBe(70);
      expect(await archivedSeqs(roomId)).toEqual(range(1, 70));
      expect(await hotSeqs(roomId)).toEqual([]);
      const ids = new Set(sent.map((m) => m.id));
      const posted = archiveWrites.slice(writesBefore).flat();
      expect(posted.filter((id) => ids.has(id)).sort()).toEqual([...ids].sort());
      // With Postgres empty for the room, history is the archive alone, still seamless.
      const { all } = await readAll(roomId, 30);
      expect(all).toEqual([...sent].reverse());
    } finally {
      await other.dispose();
    }
  });
});

describe('the mover timer', () => {
  test('when a replica runs, then its mover moves due messages every interval until it closes', async () => {
    const ticking = await createTestChatApp('chat_archive_e2e_timer', {
      database: chat.database,
      config: { archive: archiveConfig({ moveIntervalMs: 100 }) },
    });
    try {
      await ticking.start();
      const { roomId } = await roomWithMessages(5);
      await age(roomId, 5);
      await waitFor(async () => (await hotSeqs(roomId)).length === 0, 'the timer to move them');
      expect(await archivedSeqs(roomId)).toEqual(range(1, 5));
    } finally {
      await ticking.dispose();
    }
  });
});

describe('when the archive fails', () => {
  test('when the archive answers 500, then the run fails and Postgres is untouched', async () => {
    const { roomId } = await roomWithMessages(8);
    await age(roomId, 8);
    failArchiveWrites = true;
    const failures = await counter(chat, 'chat_archive_move_failures_total');

    await expect(mover().moveOnce()).rejects.toMatchObject({ statusCode: 503 });

    expect(await hotSeqs(roomId)).toEqual(range(1, 8));
    expect(await archivedSeqs(roomId)).toEqual([]);
    expect(await counter(chat, 'chat_archive_move_failures_total')).toBe(failures + 1);
    // Back: the next run moves them.
    failArchiveWrites = false;
    await mover().moveOnce();
    expect(await archivedSeqs(roomId)).toEqual(range(1, 8));
    expect(await hotSeqs(roomId)).toEqual([]);
  });

  test('when the archive is unreachable, then Postgres is untouched, hot history answers, and pages that need the archive are 503', async () => {
    const { roomId } = await roomWithMessages(12);
    await age(roomId, 5);
    await mover().moveOnce();
    const sent = await age(roomId, 12);
    const down = await createTestChatApp('chat_archive_e2e_down', {
      database: chat.database,
      config: { archive: archiveConfig({ url: `http://127.0.0.1:${String(await deadPort())}` }) },
      createRealtime,
    });
    try {
      await expect(mover(down).moveOnce()).rejects.toMatchObject({
        statusCode: 503,
        code: 'UNAVAILABLE',
      });
      expect(await hotSeqs(roomId)).toEqual(range(6, 12));

      const hot = await getPage(down, roomId, '?limit=7');
      expect(hot.statusCode).toBe(200);
      expect(hot.json<Page>().messages).toEqual(sent.slice(5).reverse());
      const crossing = await getPage(down, roomId, '?limit=10');
      expect(crossing.statusCode).toBe(503);
      expect(crossing.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });

      const { port } = await down.start();
      const client = await connectClient(`http://127.0.0.1:${String(port)}`, {
        token: await down.tokenFor({ userId: randomUUID(), username: 'rejoining' }),
      });
      try {
        const replay = await request(client, 'join_room', { roomId, afterSeq: 2 });
        expectAckError(replay, 'UNAVAILABLE');
        const hotOnly = expectOk(await request(client, 'join_room', { roomId, afterSeq: 5 }));
        expect(hotOnly.missed).toEqual(sent.slice(5));
      } finally {
        client.disconnect();
      }
    } finally {
      await down.dispose();
    }
  });
});

describe('the archive client', () => {
  test('when the archive refuses a token (401), then the client gets a fresh one and retries once', async () => {
    const good = await serviceToken(['archive:read']);
    const handedOut = ['not-a-token', good];
    const rejected: string[] = [];
    const client = createArchiveClient({
      baseUrl: archiveUrl,
      tokens: {
        token: async () => handedOut.shift() ?? good,
        reject: (token) => rejected.push(token),
      },
      timeoutMs: 5_000,
      logger,
    });
    await expect(client.roomPage(randomUUID(), { limit: 10 })).resolves.toEqual({
      messages: [],
      hasMore: false,
    });
    expect(rejected).toEqual(['not-a-token']);
  });

  test('when every token is refused, then 503 UNAVAILABLE after one retry', async () => {
    let asked = 0;
    const client = createArchiveClient({
      baseUrl: archiveUrl,
      tokens: {
        token: async () => {
          asked += 1;
          return 'not-a-token';
        },
        reject: () => undefined,
      },
      timeoutMs: 5_000,
      logger,
    });
    await expect(client.roomPage(randomUUID(), { limit: 10 })).rejects.toMatchObject({
      statusCode: 503,
      code: 'UNAVAILABLE',
    });
    expect(asked).toBe(2);
  });
});

describe('who may write to the archive', () => {
  async function postBatch(token: string) {
    const message: ChatMessage = {
      id: randomUUID(),
      roomId: randomUUID(),
      seq: 1,
      userId: randomUUID(),
      username: 'someone',
      text: 'hello',
      createdAt: new Date().toISOString(),
    };
    return fetch(`${archiveUrl}/archive/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [message] }),
    });
  }

  test('when a user token posts a batch, then the archive answers 403; the mover token is a service token', async () => {
    const userToken = await signTestAccessToken(auth.signingKeys.current, {
      issuer: testIssuer,
      audience: testAudience,
      claims: { username: 'mallory', role: 'admin' },
    });
    expect((await postBatch(userToken)).status).toBe(403);
    expect((await postBatch(await serviceToken(['archive:read']))).status).toBe(403);
    expect((await postBatch(await serviceToken(['archive:write']))).status).toBe(200);
  });
});

async function serviceToken(scopes: string[]): Promise<string> {
  return signTestAccessToken(auth.signingKeys.current, {
    issuer: testIssuer,
    audience: testAudience,
    claims: {
      ...serviceTokenClaims(chatClientId, scopes),
      sid: undefined,
      username: undefined,
      role: undefined,
    },
  });
}
