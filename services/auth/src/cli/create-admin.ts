// `npm run create-admin -w @falablau/auth -- <username>`: creates the first admin (or promotes an
// existing user). An entry point, so it reads the environment: DATABASE_URL, and the password
// from ADMIN_PASSWORD or, when unset, the first line of stdin (never from the command line, where
// it would land in shell history and `ps`).
import { createInterface } from 'node:readline';
import { z } from 'zod';
import {
  createLogger,
  createPostgresDb,
  envSchemas,
  migrateToLatest,
  parseConfig,
} from '@falablau/common';
import { AUTH_DB_SCHEMA } from '../config.js';
import { authMigrations } from '../db/migrations/index.js';
import type { AuthDb } from '../db/schema.js';
import { createPasswordHasher } from '../passwords/password-hasher.js';
import { createOrPromoteAdmin } from '../users/create-admin.js';
import { createUserRepository } from '../users/user.repository.js';

const env = parseConfig(
  z.object({
    DATABASE_URL: envSchemas.postgresUrl,
    ADMIN_PASSWORD: z.string().optional(),
    LOG_LEVEL: envSchemas.logLevel,
  }),
  process.env,
);
const username = process.argv[2];
if (username === undefined) {
  process.stderr.write('usage: create-admin <username>   (password: ADMIN_PASSWORD or stdin)\n');
  process.exit(2);
}

async function readFirstLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`Password for ${username}: `);
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

const logger = createLogger({ name: 'create-admin', level: env.LOG_LEVEL });
const db = createPostgresDb<AuthDb>({ url: env.DATABASE_URL, schema: AUTH_DB_SCHEMA, logger });
try {
  await migrateToLatest(db, authMigrations, { schema: AUTH_DB_SCHEMA, logger });
  const result = await createOrPromoteAdmin(
    {
      users: createUserRepository(db),
      hasher: await createPasswordHasher({ queueLimit: 1 }),
      clock: () => new Date(),
    },
    username,
    async () => env.ADMIN_PASSWORD ?? (await readFirstLine()),
  );
  process.stdout.write(`${username}: ${result}\n`);
} catch (error) {
  process.stderr.write(
    `create-admin failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
} finally {
  await db.destroy();
}
