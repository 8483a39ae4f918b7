// Secrets the standalone server makes up itself (chat-service's client secret at auth-service):
// generated on the first start and kept in DATA_DIR, readable by the owner only.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorCode } from './errno.js';

export async function loadOrCreateSecret(file: string): Promise<string> {
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  // Not 'wx': a file too short to be one of ours (emptied, truncated) is replaced.
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
