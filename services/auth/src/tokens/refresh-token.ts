// Refresh tokens are opaque random strings (256 bits): nothing to parse or forge, and only
// their SHA-256 is stored. A fast hash is right here — unlike passwords, the input has full
// entropy, so there is nothing to brute-force.
import { createHash, randomBytes } from 'node:crypto';

export interface NewRefreshToken {
  token: string;
  hash: string;
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newRefreshToken(): NewRefreshToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}
