// The archive as one Postgres table (standalone mode: the embedded Postgres; works on any
// Postgres). Each message is kept whole as JSONB, as sent, so new fields need no migration; the
// columns the queries filter and sort by sit beside it, under the same constraints as MongoDB's
// indexes: id unique, (room_id, seq) unique.
import { sql, type ColumnType, type Kysely } from 'kysely';
import type { Migration } from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';

/** The schema archive-service owns in Postgres. */
export const ARCHIVE_PG_SCHEMA = 'archive';

export interface ArchivedMessagesTable {
  id: string;
  room_id: string;
  /** pg returns int8 as a string; seqs are written as numbers. */
  seq: ColumnType<string, number, never>;
  user_id: string;
  created_at: ColumnType<Date, Date, never>;
  /** The message as stored (createdAt normalised to UTC); written as JSON text. */
  message: ColumnType<ChatMessage, string, never>;
}

export interface ArchivePgDb {
  messages: ArchivedMessagesTable;
}

export const archivePgMigrations: Record<string, Migration> = {
  '0001_messages': {
    up: async (db: Kysely<unknown>) => {
      // Ids sort byte-wise ("C"), as JavaScript and MongoDB compare strings: the user-history
      // cursor (createdAt, id) must page in the same order whatever the database's locale.
      await sql`
        create table messages (
          id text collate "C" primary key,
          room_id text collate "C" not null,
          seq bigint not null,
          user_id text collate "C" not null,
          created_at timestamptz not null,
          message jsonb not null,
          constraint messages_room_seq_unique unique (room_id, seq)
        )`.execute(db);
      // A user's history, newest first, with the id as tie-breaker (the cursor's order).
      await sql`create index messages_user_history_idx
        on messages (user_id, created_at desc, id desc)`.execute(db);
      // Retention deletes by age.
      await sql`create index messages_created_at_idx on messages (created_at)`.execute(db);
    },
    down: async (db: Kysely<unknown>) => {
      await db.schema.dropTable('messages').execute();
    },
  },
};
