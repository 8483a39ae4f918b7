// An ArchiveStore on Postgres through Kysely: the standalone mode's archive, a JSONB table in the
// embedded Postgres (PGlite), and equally at home on a real server. Same contract as MongoDB:
// insert-if-absent by id, (roomId, seq) never claimed twice, room and user history newest first.
// Retention is swept by the service (no TTL index in Postgres).
import type { Kysely } from 'kysely';
import { migrateToLatest, type Logger } from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';
import {
  uniqueById,
  type ArchiveStore,
  type HistorySlice,
  type TimeRange,
  type UpsertResult,
} from '../archive-store.js';
import { ARCHIVE_PG_SCHEMA, archivePgMigrations, type ArchivePgDb } from './pg-archive-schema.js';

export interface PgArchiveStoreOptions {
  /** A Kysely whose search_path is `schema` (createPostgresDb, or the embedded Postgres). */
  db: Kysely<ArchivePgDb>;
  /** Default `archive`. */
  schema?: string;
  logger?: Logger;
}

function toRow(message: ChatMessage) {
  const createdAt = new Date(message.createdAt);
  return {
    id: message.id,
    room_id: message.roomId,
    seq: message.seq,
    user_id: message.userId,
    created_at: createdAt,
    message: JSON.stringify({ ...message, createdAt: createdAt.toISOString() }),
  };
}

function slice(rows: { message: ChatMessage }[], limit: number): HistorySlice {
  return {
    messages: rows.slice(0, limit).map((row) => row.message),
    hasMore: rows.length > limit,
  };
}

export function createPgArchiveStore({
  db,
  schema = ARCHIVE_PG_SCHEMA,
  logger,
}: PgArchiveStoreOptions): ArchiveStore {
  /** Messages of the period; one more than `limit` asked for, to tell whether more exist. */
  const inPeriod = ({ start, end }: TimeRange) => {
    let query = db.selectFrom('messages').select('message');
    if (start) query = query.where('created_at', '>=', start);
    if (end) query = query.where('created_at', '<', end);
    return query;
  };

  return {
    async init() {
      await migrateToLatest(db, archivePgMigrations, { schema, logger });
      return { nativeExpiry: false };
    },

    async upsertMany(messages): Promise<UpsertResult> {
      const { unique, repeats } = uniqueById(messages);
      if (unique.length === 0) return { inserted: 0, duplicates: repeats, conflicts: [] };
      return db.transaction().execute(async (trx) => {
        // One statement; a row that meets either unique constraint (id, or room and seq) is
        // skipped, including a second claim on a seat within this very batch.
        const inserted = await trx
          .insertInto('messages')
          .values(unique.map(toRow))
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .execute();
        const insertedIds = new Set(inserted.map((row) => row.id));
        const skipped = unique.filter((message) => !insertedIds.has(message.id));
        if (skipped.length === 0) {
          return { inserted: inserted.length, duplicates: repeats, conflicts: [] };
        }
        // Skipped for its id: already archived. Otherwise its seat is taken by another message.
        const archived = await trx
          .selectFrom('messages')
          .select('id')
          .where(
            'id',
            'in',
            skipped.map((message) => message.id),
          )
          .execute();
        const archivedIds = new Set(archived.map((row) => row.id));
        return {
          inserted: inserted.length,
          duplicates: repeats + archivedIds.size,
          conflicts: skipped.filter((message) => !archivedIds.has(message.id)),
        };
      });
    },

    async byRoom(roomId, query) {
      let select = inPeriod(query).where('room_id', '=', roomId);
      if (query.beforeSeq !== undefined) select = select.where('seq', '<', String(query.beforeSeq));
      if (query.afterSeq !== undefined) select = select.where('seq', '>', String(query.afterSeq));
      const rows = await select
        .orderBy('seq', 'desc')
        .offset(query.skip ?? 0)
        .limit(query.limit + 1)
        .execute();
      return slice(rows, query.limit);
    },

    async byUser(userId, query) {
      let select = inPeriod(query).where('user_id', '=', userId);
      const { before } = query;
      if (before) {
        select = select.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(before.createdAt, before.id)),
        );
      }
      const rows = await select
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .offset(query.skip ?? 0)
        .limit(query.limit + 1)
        .execute();
      return slice(rows, query.limit);
    },

    async deleteOlderThan(cutoff) {
      const result = await db
        .deleteFrom('messages')
        .where('created_at', '<', cutoff)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async ready() {
      await db.selectNoFrom((eb) => eb.lit(1).as('ok')).execute();
    },
  };
}
