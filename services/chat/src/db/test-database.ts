// Tests only: a throw-away database on the real Postgres server (one per test file), with the
// chat schema migrated, so files run in parallel and leave nothing behind.
import type { Kysely } from 'kysely';
import {
  createLogger,
  createPostgresDb,
  createThrowawayDatabase,
  migrateToLatest,
} from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import { CHAT_DB_SCHEMA } from '../config.js';
import { chatMigrations } from './migrations/index.js';
import type { ChatDb } from './schema.js';

export interface TestChatDb {
  db: Kysely<ChatDb>;
  url: string;
  /** Closes the pool and drops the database. */
  drop: () => Promise<void>;
}

export async function createTestChatDb(prefix: string, poolSize = 10): Promise<TestChatDb> {
  const database = await createThrowawayDatabase(requireServer('DATABASE_URL'), prefix);
  const logger = createLogger({ name: 'chat-test', level: 'silent' });
  const db = createPostgresDb<ChatDb>({
    url: database.url,
    schema: CHAT_DB_SCHEMA,
    logger,
    poolSize,
  });
  await migrateToLatest(db, chatMigrations, { schema: CHAT_DB_SCHEMA });
  return {
    db,
    url: database.url,
    drop: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}
