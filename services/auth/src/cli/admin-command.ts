// The body of every `create-admin` command (auth's, against DATABASE_URL, and the standalone's,
// against its embedded database): migrate the auth schema, then create or promote the admin with
// a password from ADMIN_PASSWORD or the first line of stdin (never the command line, where it
// would land in shell history and `ps`). Callers own the database's lifecycle.
import { createInterface } from 'node:readline';
import type { Kysely } from 'kysely';
import { migrateToLatest, type Logger } from '@falablau/common';
import { AUTH_DB_SCHEMA } from '../config.js';
import { authMigrations } from '../db/migrations/index.js';
import type { AuthDb } from '../db/schema.js';
import { createPasswordHasher } from '../passwords/password-hasher.js';
import { createOrPromoteAdmin, type CreateAdminResult } from '../users/create-admin.js';
import { createUserRepository } from '../users/user.repository.js';

export const createAdminUsage =
  'usage: create-admin <username>   (password: ADMIN_PASSWORD or stdin)\n';

async function readFirstLine(username: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`Password for ${username}: `);
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

export async function runCreateAdmin(
  db: Kysely<AuthDb>,
  username: string,
  { adminPassword, logger }: { adminPassword: string | undefined; logger: Logger },
): Promise<CreateAdminResult> {
  await migrateToLatest(db, authMigrations, { schema: AUTH_DB_SCHEMA, logger });
  return createOrPromoteAdmin(
    {
      users: createUserRepository(db),
      hasher: await createPasswordHasher({ queueLimit: 1 }),
      clock: () => new Date(),
    },
    username,
    async () => adminPassword ?? (await readFirstLine(username)),
  );
}
