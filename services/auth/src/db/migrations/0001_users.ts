import { sql, type Kysely } from 'kysely';
import type { Migration } from '@falablau/common';

// Usernames keep the case the user typed, but are unique regardless of case: the index on
// lower(username) enforces that and also serves the case-insensitive login lookup.
export const users: Migration = {
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable('users')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addCheckConstraint('users_role_check', sql`role in ('user', 'admin')`)
      .addCheckConstraint('users_username_length', sql`char_length(username) between 3 and 32`)
      .execute();
    await sql`create unique index users_username_lower_key on users (lower(username))`.execute(db);
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable('users').execute();
  },
};
