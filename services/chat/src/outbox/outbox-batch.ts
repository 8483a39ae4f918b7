// One outbox batch, in one transaction: claim unpublished rows, publish them, mark them.
//
// Several replicas run relays. Each claims whole rooms with a transaction-scoped advisory lock
// (try-lock: a room another relay holds is skipped, not waited for), so one room's messages are
// only ever published by one relay at a time and in seq order: chat.messages.v1 is keyed by room
// and stays ordered per room. The row locks (`for update skip locked`) keep the claim safe even
// against a future writer that does not take the room lock.
//
// The transaction stays open while Kafka acknowledges: if publishing fails, nothing is marked and
// the rows stay in the outbox; if marking fails after Kafka has them, they are published again
// with the same envelope ids (at least once, duplicates recognisable).
import { sql, type Kysely, type Transaction } from 'kysely';
import { chatMessagesTopic, type EventBus } from '@falablau/common';
import type { ChatDb } from '../db/schema.js';
import { toChatMessage } from '../messages/message.service.js';

/** Namespace (first key) of the relay's advisory locks, so they cannot meet other lock users. */
const LOCK_NAMESPACE = sql`hashtext('chat.outbox')`;

export interface BatchResult {
  /** Rows published and marked. */
  published: number;
  /** Seconds each published message waited in the outbox. */
  waitedSeconds: number[];
  /** True when more rows may be waiting right now (the batch or the room claim was full). */
  full: boolean;
}

/** Locks up to `limit` rooms with unpublished rows; `more` when further rooms may have some. */
async function claimRooms(
  trx: Transaction<ChatDb>,
  limit: number,
): Promise<{ rooms: string[]; more: boolean }> {
  const candidates = await trx
    .selectFrom('messages')
    .select('room_id')
    .distinct()
    .where('published_at', 'is', null)
    .limit(limit)
    .execute();
  if (candidates.length === 0) return { rooms: [], more: false };
  const ids = candidates.map((c) => c.room_id);
  const locked = await sql<{ room_id: string }>`
    select room_id from unnest(${ids}::uuid[]) as candidate(room_id)
    where pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(room_id::text))`.execute(trx);
  return { rooms: locked.rows.map((r) => r.room_id), more: candidates.length === limit };
}

export async function publishBatch(
  db: Kysely<ChatDb>,
  eventBus: EventBus,
  batchSize: number,
): Promise<BatchResult> {
  return db.transaction().execute(async (trx) => {
    const { rooms, more } = await claimRooms(trx, batchSize);
    if (rooms.length === 0) return { published: 0, waitedSeconds: [], full: more };
    const rows = await trx
      .selectFrom('messages')
      .select(['id', 'room_id', 'seq', 'user_id', 'username', 'text', 'created_at'])
      .where('published_at', 'is', null)
      .where((eb) => eb('room_id', '=', eb.fn.any(eb.val(rooms))))
      .orderBy('room_id')
      .orderBy('seq')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) return { published: 0, waitedSeconds: [], full: more };

    await eventBus.publishMany(
      chatMessagesTopic,
      rows.map((row) => ({
        type: 'message.created' as const,
        data: toChatMessage(row),
        key: row.room_id,
        id: row.id,
        occurredAt: row.created_at,
      })),
    );
    const publishedAt = new Date();
    await trx
      .updateTable('messages')
      .set({ published_at: publishedAt })
      .where((eb) => eb('id', '=', eb.fn.any(eb.val(rows.map((r) => r.id)))))
      .execute();
    return {
      published: rows.length,
      waitedSeconds: rows.map((r) => (publishedAt.getTime() - r.created_at.getTime()) / 1000),
      full: more || rows.length === batchSize,
    };
  });
}

/** Unpublished messages of every replica. */
export async function countBacklog(db: Kysely<ChatDb>): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string>().as('backlog'))
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.backlog);
}
