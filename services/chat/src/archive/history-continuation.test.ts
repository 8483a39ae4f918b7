// History and replay over the Postgres/archive boundary, at the MessageService level: real
// Postgres, and an in-memory archive that answers like archive-service (newest first by seq,
// beforeSeq/afterSeq bounds, at most 200 per page), so tests can shape what it holds (large
// rooms, expired stretches) and count the requests. archive.e2e.test.ts runs the real one.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import type { ChatMessage, RoomMember } from '@falablau/common/contracts';
import { createTestChatDb, type TestChatDb } from '../db/test-database.js';
import { createMessageMetrics } from '../messages/message.metrics.js';
import {
  createMessageService,
  toChatMessage,
  type MessageService,
} from '../messages/message.service.js';
import { createRoomService } from '../rooms/room.service.js';
import {
  ARCHIVE_PAGE_MAX,
  ArchiveUnavailableError,
  type ArchiveClient,
  type ArchiveRoomQuery,
} from './archive-client.js';
import { createArchivedHistory } from './archived-history.js';

/** An archive in memory with archive-service's paging rules. */
function memoryArchive() {
  const byRoom = new Map<string, ChatMessage[]>();
  const state = { requests: 0, down: false };
  const client: ArchiveClient = {
    store: async (messages) => {
      for (const m of messages) byRoom.set(m.roomId, [...(byRoom.get(m.roomId) ?? []), m]);
      return { inserted: messages.length, duplicates: 0, conflicts: [] };
    },
    roomPage: async (roomId: string, { beforeSeq, afterSeq, limit }: ArchiveRoomQuery) => {
      state.requests += 1;
      if (state.down) throw new ArchiveUnavailableError('test: archive down');
      if (limit < 1 || limit > ARCHIVE_PAGE_MAX) throw new Error(`bad limit ${String(limit)}`);
      const matching = (byRoom.get(roomId) ?? [])
        .filter((m) => (beforeSeq === undefined || m.seq < beforeSeq) && m.seq > (afterSeq ?? 0))
        .sort((a, b) => b.seq - a.seq);
      return { messages: matching.slice(0, limit), hasMore: matching.length > limit };
    },
  };
  return {
    client,
    state,
    /** Drops archived messages, as retention would. */
    expire: (roomId: string, uptoSeq: number) => {
      byRoom.set(
        roomId,
        (byRoom.get(roomId) ?? []).filter((m) => m.seq > uptoSeq),
      );
    },
  };
}

let database: TestChatDb;
let messages: MessageService;
let archive: ReturnType<typeof memoryArchive>;
const author: RoomMember = { userId: randomUUID(), username: 'author' };

beforeAll(async () => {
  database = await createTestChatDb('chat_history_continuation');
  archive = memoryArchive();
  messages = createMessageService({
    db: database.db,
    metrics: createMessageMetrics(new Registry()),
    archive: createArchivedHistory(archive.client),
  });
});

afterAll(async () => {
  await database.drop();
});

beforeEach(() => {
  archive.state.down = false;
});

/** A room with `total` messages, of which seqs up to `archivedUpTo` have moved to the archive. */
async function splitRoom(total: number, archivedUpTo: number): Promise<string> {
  const rooms = createRoomService({ db: database.db, membershipCacheTtlMs: 1_000 });
  const room = await rooms.create(author, { name: `split ${randomUUID()}` });
  // Stored directly: a thousand sends would only slow the test down.
  await sql`insert into messages (room_id, seq, user_id, username, text, client_msg_id, published_at)
    select ${room.id}, n, ${author.userId}, ${author.username}, 'm' || n, 'c' || n || ${room.id}, now()
    from generate_series(1, ${total}) n`.execute(database.db);
  await sql`update rooms set last_seq = ${total} where id = ${room.id}`.execute(database.db);
  const moved = await database.db
    .selectFrom('messages')
    .selectAll()
    .where('room_id', '=', room.id)
    .where('seq', '<=', String(archivedUpTo))
    .execute();
  await archive.client.store(moved.map(toChatMessage));
  await sql`delete from messages where room_id = ${room.id} and seq <= ${archivedUpTo}`.execute(
    database.db,
  );
  return room.id;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const seqsOf = (list: ChatMessage[]) => list.map((m) => m.seq);

describe('replay (since) over the boundary', () => {
  test('when more than a join carries were missed, then the oldest 1000 come first with hasMore, then the rest', async () => {
    const roomId = await splitRoom(1300, 1100);

    const first = await messages.since(roomId, 0, 1000);
    expect(seqsOf(first.messages)).toEqual(range(1, 1000));
    expect(first.hasMore).toBe(true);
    const second = await messages.since(roomId, 1000, 1000);
    expect(seqsOf(second.messages)).toEqual(range(1001, 1300));
    expect(second.hasMore).toBe(false);
  });

  test('when the archive part fills the page exactly, then hasMore still says Postgres has more', async () => {
    const roomId = await splitRoom(40, 30);
    const page = await messages.since(roomId, 20, 10);
    expect(seqsOf(page.messages)).toEqual(range(21, 30));
    expect(page.hasMore).toBe(true);
    const rest = await messages.since(roomId, 30, 10);
    expect(seqsOf(rest.messages)).toEqual(range(31, 40));
    expect(rest.hasMore).toBe(false);
  });

  test('when every message has moved, then the replay comes from the archive alone', async () => {
    const roomId = await splitRoom(250, 250);
    const page = await messages.since(roomId, 10, 1000);
    expect(seqsOf(page.messages)).toEqual(range(11, 250));
    expect(page.hasMore).toBe(false);
    await expect(messages.since(roomId, 250, 1000)).resolves.toEqual({
      messages: [],
      hasMore: false,
    });
  });

  test('when the archive expired a long stretch, then the replay skips it in a few requests', async () => {
    const roomId = await splitRoom(5200, 5150);
    archive.expire(roomId, 5100);
    const before = archive.state.requests;

    const page = await messages.since(roomId, 0, 1000);

    expect(seqsOf(page.messages)).toEqual(range(5101, 5200));
    expect(page.hasMore).toBe(false);
    // Bisection: about log2(5100 / 200) probes, where walking the gap would take 26 requests.
    expect(archive.state.requests - before).toBeLessThanOrEqual(10);
  });

  test('when the missed messages are all in Postgres, then the archive is not asked', async () => {
    const roomId = await splitRoom(30, 10);
    const before = archive.state.requests;
    archive.state.down = true;
    const page = await messages.since(roomId, 10, 1000);
    expect(seqsOf(page.messages)).toEqual(range(11, 30));
    expect(archive.state.requests).toBe(before);
  });

  test('when the archive is down and the replay needs it, then 503 UNAVAILABLE, not a shorter replay', async () => {
    const roomId = await splitRoom(30, 10);
    archive.state.down = true;
    await expect(messages.since(roomId, 5, 1000)).rejects.toMatchObject({
      statusCode: 503,
      code: 'UNAVAILABLE',
    });
  });
});

describe('history over the boundary', () => {
  test('when paging back through a room with more archived than one archive page, then every message comes once', async () => {
    const roomId = await splitRoom(520, 480);
    const seen: number[] = [];
    let before: number | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await messages.history(roomId, { before, limit: 100 });
      seen.push(...seqsOf(page.messages));
      if (page.nextCursor === null) break;
      before = Number(page.nextCursor);
    }
    expect(seen).toEqual(range(1, 520).reverse());
  });

  test('when the oldest messages have expired from the archive, then history ends where the archive does', async () => {
    const roomId = await splitRoom(60, 40);
    archive.expire(roomId, 25);
    const first = await messages.history(roomId, { limit: 30 });
    expect(seqsOf(first.messages)).toEqual(range(31, 60).reverse());
    const second = await messages.history(roomId, {
      before: Number(first.nextCursor),
      limit: 30,
    });
    expect(seqsOf(second.messages)).toEqual(range(26, 30).reverse());
    expect(second.nextCursor).toBeNull();
  });

  test('when no archive is configured, then history and replay stop at what Postgres holds', async () => {
    const roomId = await splitRoom(20, 10);
    const hotOnly = createMessageService({
      db: database.db,
      metrics: createMessageMetrics(new Registry()),
    });
    await expect(hotOnly.history(roomId, { limit: 50 })).resolves.toMatchObject({
      nextCursor: null,
    });
    expect(seqsOf((await hotOnly.since(roomId, 0, 1000)).messages)).toEqual(range(11, 20));
  });
});
