import { sql, type Kysely } from 'kysely';
import type { Migration } from '@falablau/common';

// Rooms and their members. Names are unique case-insensitively through a generated `name_key`
// column, so no code path can store a key that disagrees with the name.
export const rooms: Migration = {
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable('rooms')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) =>
        c
          .notNull()
          .generatedAlwaysAs(sql`lower(name)`)
          .stored(),
      )
      .addColumn('topic', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('rooms_name_key_unique', ['name_key'])
      .addCheckConstraint('rooms_last_seq_check', sql`last_seq >= 0`)
      .execute();

    await db.schema
      .createTable('room_members')
      .addColumn('room_id', 'uuid', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('room_members_pkey', ['room_id', 'user_id'])
      .execute();
    // roomIdsOf(user): which rooms a connecting socket rejoins.
    await db.schema
      .createIndex('room_members_user_id_idx')
      .on('room_members')
      .column('user_id')
      .execute();
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable('room_members').execute();
    await db.schema.dropTable('rooms').execute();
  },
};
