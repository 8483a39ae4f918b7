import { sql, type Kysely } from 'kysely';
import type { Migration } from '@falablau/common';

// Messages, which are also the outbox: a row with `published_at` null still has to reach Kafka.
export const messages: Migration = {
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable('messages')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('room_id', 'uuid', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('client_msg_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('published_at', 'timestamptz')
      // History pages and replays walk this index (room, seq) in either direction.
      .addUniqueConstraint('messages_room_seq_unique', ['room_id', 'seq'])
      // The idempotency key of send_message: a retry finds the message it already stored.
      .addUniqueConstraint('messages_user_client_msg_id_unique', ['user_id', 'client_msg_id'])
      .addCheckConstraint('messages_seq_check', sql`seq > 0`)
      .execute();
    // The outbox: small, because published rows leave it; ordered the way the relay reads it.
    await sql`create index messages_unpublished_idx on messages (room_id, seq)
      where published_at is null`.execute(db);
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable('messages').execute();
  },
};
