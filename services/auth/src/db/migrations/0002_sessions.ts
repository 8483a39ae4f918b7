import { sql, type Kysely } from 'kysely';
import type { Migration } from '@falablau/common';

// Sessions are refresh-token families. Refresh tokens are stored only as SHA-256 hashes: a
// database leak yields nothing that can be presented to /refresh.
export const sessions: Migration = {
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_refreshed_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('revoked_reason', 'text')
      .addColumn('revocation_published_at', 'timestamptz')
      .addCheckConstraint(
        'sessions_revoked_reason_check',
        sql`revoked_reason in ('logout', 'refresh_reuse', 'admin')`,
      )
      .execute();
    await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();
    // The revocation outbox: small, because published rows leave it.
    await sql`create index sessions_unpublished_revocations_idx on sessions (revoked_at)
      where revoked_at is not null and revocation_published_at is null`.execute(db);

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'uuid', (c) =>
        c.notNull().references('sessions.id').onDelete('cascade'),
      )
      .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('rotated_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('refresh_tokens_session_id_idx')
      .on('refresh_tokens')
      .column('session_id')
      .execute();
  },
  down: async (db: Kysely<unknown>) => {
    await db.schema.dropTable('refresh_tokens').execute();
    await db.schema.dropTable('sessions').execute();
  },
};
