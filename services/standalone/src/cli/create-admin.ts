// `npm run create-admin -w @falablau/standalone -- <username>`: creates the first admin (or
// promotes an existing user) in the standalone server's embedded database, which only one process
// may open: run it while the server is stopped. The password comes from ADMIN_PASSWORD or the
// first line of stdin, never the command line (shell history, `ps`).
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { AUTH_DB_SCHEMA } from '@falablau/auth/dist/config.js';
import { authMigrations } from '@falablau/auth/dist/db/migrations/index.js';
import type { AuthDb } from '@falablau/auth/dist/db/schema.js';
import { createPasswordHasher } from '@falablau/auth/dist/passwords/password-hasher.js';
import { createOrPromoteAdmin } from '@falablau/auth/dist/users/create-admin.js';
import { createUserRepository } from '@falablau/auth/dist/users/user.repository.js';
import {
  createLogger,
  envSchemas,
  migrateToLatest,
  openEmbeddedPostgres,
  parseConfig,
} from '@falablau/common';
import { lockDataDir } from '../data-dir/data-dir-lock.js';

const env = parseConfig(
  z.object({
    DATA_DIR: z.string().min(1).default('./data'),
    ADMIN_PASSWORD: z.string().optional(),
    LOG_LEVEL: envSchemas.logLevel.default('warn'),
  }),
  process.env,
);
const username = process.argv[2];
if (username === undefined) {
  process.stderr.write('usage: create-admin <username>   (password: ADMIN_PASSWORD or stdin)\n');
  process.exit(2);
}
const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), env.DATA_DIR);

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
try {
  const lock = await lockDataDir(dataDir);
  try {
    const postgres = await openEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), logger });
    try {
      const db = postgres.database<AuthDb>(AUTH_DB_SCHEMA);
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
    } finally {
      await postgres.close();
    }
  } finally {
    await lock.release();
  }
} catch (error) {
  process.stderr.write(
    `create-admin failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
