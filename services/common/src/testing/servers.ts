// Test access to the real servers started by `make infra-up`. A missing server is a loud
// failure, never a skip: integration tests must not pass vacuously.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

export type ServerVar = 'DATABASE_URL' | 'REDIS_URL' | 'KAFKA_BOOTSTRAP_SERVERS' | 'MONGO_URI';

const hint = 'Run `make infra-up` at the repository root (or `make test`, which runs it).';

/** Walks up from this file to the repository root (the folder holding .env.local or .git). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, '.git')) || existsSync(join(dir, '.env.local'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the repository root. ${hint}`);
    dir = parent;
  }
}

let cached: Record<string, string | undefined> | undefined;

function localEnv(): Record<string, string | undefined> {
  if (cached) return cached;
  const file = join(repoRoot(), '.env.local');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  // Explicit environment variables win over .env.local, so CI or a developer can point elsewhere.
  cached = { ...fromFile, ...process.env };
  return cached;
}

/** The connection string of a required test server; throws with instructions when absent. */
export function requireServer(name: ServerVar): string {
  const value = localEnv()[name];
  if (!value) {
    throw new Error(
      `${name} is not set and .env.local does not define it: the test needs a real server. ${hint}`,
    );
  }
  return value;
}
