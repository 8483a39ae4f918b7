// The mover's SQL: the leader lock, which messages are due, and removing what the archive took.
//
// What moves is always a room's OLDEST messages, in seq order, up to the first one that is not
// due (younger than the retention, or not yet published to Kafka). So Postgres keeps every room's
// messages from one seq on, the archive those below it, and history can continue from one to the
// other at that seq (see message.service.ts). Rows are never picked past a message that has to
// stay, even one a few milliseconds older whose sender's transaction took its seq later.
import { sql, type Kysely } from 'kysely';
import type { ChatMessage } from '@falablau/common/contracts';
import type { ChatDb } from '../db/schema.js';
import { toChatMessage } from '../messages/message.service.js';

/** First key of the mover's advisory lock (the outbox relay's locks use another namespace). */
const LOCK_NAMESPACE = sql`hashtext('chat.archive-mover')`;

/**
 * Session-level try-lock: held on this connection until released, or until the connection
 * ends (a crashed leader's lock goes with its connection). False when another replica holds it.
 */
export async function tryLeaderLock(conn: Kysely<ChatDb>): Promise<boolean> {
  const result = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_lock(${LOCK_NAMESPACE}, 0) as locked`.execute(conn);
  return result.rows[0]?.locked === true;
}

export async function releaseLeaderLock(conn: Kysely<ChatDb>): Promise<void> {
  await sql`select pg_advisory_unlock(${LOCK_NAMESPACE}, 0)`.execute(conn);
}

/** Rooms whose oldest message in Postgres is due, the longest-waiting first. */
async function dueRooms(
  conn: Kysely<ChatDb>,
  cutoff: Date,
  limit: number,
  skip: readonly string[],
): Promise<string[]> {
  // One index probe (room_id, seq) per room: cheap, and needs no index on created_at.
  const result = await sql<{ room_id: string }>`
    select r.id as room_id
    from rooms r
    cross join lateral (
      select m.created_at, m.published_at from messages m
      where m.room_id = r.id order by m.seq limit 1
    ) oldest
    where oldest.created_at < ${cutoff} and oldest.published_at is not null
      and not (r.id = any(${[...skip]}::uuid[]))
    order by oldest.created_at
    limit ${limit}`.execute(conn);
  return result.rows.map((row) => row.room_id);
}

/** The room's oldest messages, at most `limit`, up to (not including) the first one not due. */
async function duePrefix(
  conn: Kysely<ChatDb>,
  roomId: string,
  cutoff: Date,
  limit: number,
): Promise<ChatMessage[]> {
  const rows = await conn
    .selectFrom('messages')
    .select(['id', 'room_id', 'seq', 'user_id', 'username', 'text', 'created_at', 'published_at'])
    .where('room_id', '=', roomId)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
  const end = rows.findIndex((row) => row.published_at === null || row.created_at >= cutoff);
  return (end === -1 ? rows : rows.slice(0, end)).map(toChatMessage);
}

/**
 * The next batch: due messages of the longest-waiting rooms, each room's in seq order; at most
 * `size`. Rooms in `skip` are left out (the archive refused one of their messages this run).
 */
export async function nextDueBatch(
  conn: Kysely<ChatDb>,
  cutoff: Date,
  size: number,
  skip: readonly string[],
): Promise<ChatMessage[]> {
  const batch: ChatMessage[] = [];
  for (const roomId of await dueRooms(conn, cutoff, size, skip)) {
    if (batch.length >= size) break;
    batch.push(...(await duePrefix(conn, roomId, cutoff, size - batch.length)));
  }
  return batch;
}

/** Deletes the archived messages; resolves to how many rows went. */
export async function deleteArchived(
  conn: Kysely<ChatDb>,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await conn
    .deleteFrom('messages')
    .where((eb) => eb('id', '=', eb.fn.any(eb.val([...ids]))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
