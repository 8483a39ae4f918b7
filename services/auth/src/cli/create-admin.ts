// `npm run create-admin -w @falablau/auth -- <username>`: creates the first admin (or promotes an
// existing user). An entry point, so it reads the environment: DATABASE_URL, and the password
// from ADMIN_PASSWORD or, when unset, the first line of stdin (never from the command line, where
// it would land in shell history and `ps`).
import { z } from 'zod';
import { createLogger, createPostgresDb, envSchemas, parseConfig } from '@falablau/common';
import { AUTH_DB_SCHEMA } from '../config.js';
import type { AuthDb } from '../db/schema.js';
import { createAdminUsage, runCreateAdmin } from './admin-command.js';

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
  process.stderr.write(createAdminUsage);
  process.exit(2);
}

const logger = createLogger({ name: 'create-admin', level: env.LOG_LEVEL });
const db = createPostgresDb<AuthDb>({ url: env.DATABASE_URL, schema: AUTH_DB_SCHEMA, logger });
try {
  const result = await runCreateAdmin(db, username, {
    adminPassword: env.ADMIN_PASSWORD,
    logger,
  });
  process.stdout.write(`${username}: ${result}\n`);
} catch (error) {
  process.stderr.write(
    `create-admin failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
} finally {
  await db.destroy();
}
