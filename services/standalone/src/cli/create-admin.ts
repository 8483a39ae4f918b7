// `npm run create-admin -w @falablau/standalone -- <username>`: creates the first admin (or
// promotes an existing user) in the standalone server's embedded database, which only one process
// may open: run it while the server is stopped. The password comes from ADMIN_PASSWORD or the
// first line of stdin, never the command line (shell history, `ps`).
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { createAdminUsage, runCreateAdmin } from '@falablau/auth/dist/cli/admin-command.js';
import { AUTH_DB_SCHEMA } from '@falablau/auth/dist/config.js';
import type { AuthDb } from '@falablau/auth/dist/db/schema.js';
import { createLogger, envSchemas, openEmbeddedPostgres, parseConfig } from '@falablau/common';
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
  process.stderr.write(createAdminUsage);
  process.exit(2);
}
const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), env.DATA_DIR);

const logger = createLogger({ name: 'create-admin', level: env.LOG_LEVEL });
try {
  const lock = await lockDataDir(dataDir);
  try {
    const postgres = await openEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), logger });
    try {
      const db = postgres.database<AuthDb>(AUTH_DB_SCHEMA);
      const result = await runCreateAdmin(db, username, {
        adminPassword: env.ADMIN_PASSWORD,
        logger,
      });
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
