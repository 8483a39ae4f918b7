// Integration tests each get their own database on the real server (the test role has
// CREATEDB), so test files run in any order, in parallel, and leave nothing behind.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface ThrowawayDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open on it. */
  drop: () => Promise<void>;
}

async function withAdminClient<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL 15's `drop database … with (force)` refuses (42501, "must be a member of the role
 * whose process is being terminated") when an autovacuum worker happens to be in the database:
 * the worker has no role, so the test role may not signal it. The worker finishes within
 * moments, so the drop is retried a bounded number of times for that error only.
 */
export async function dropRetryingAutovacuum(
  drop: () => Promise<unknown>,
  { attempts = 40, delayMs = 250 }: { attempts?: number; delayMs?: number } = {},
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await drop();
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== '42501' || attempt >= attempts) throw error;
      await sleep(delayMs);
    }
  }
}

/** Creates `<prefix>_<random>` next to the database of `serverUrl`. */
export async function createThrowawayDatabase(
  serverUrl: string,
  prefix = 'test',
): Promise<ThrowawayDatabase> {
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`create database "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withAdminClient(serverUrl, (client) =>
        dropRetryingAutovacuum(() =>
          client.query(`drop database if exists "${name}" with (force)`),
        ),
      );
    },
  };
}
