// Access tokens for the generator's users, minted with auth-service's own signing key (the local
// cluster's development key, found by orchestrator/cluster.ts): the same header and claims as
// auth-service's access-token signer, so chat-service verifies them exactly like a login's.
// Minting instead of registering keeps 50,000 users from costing 50,000 argon2id hashes; logins
// themselves are P5's subject.
import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningSpec } from './protocol.js';

export interface MintedUser {
  userId: string;
  sessionId: string;
  username: string;
}

export function newUser(username: string): MintedUser {
  return { userId: randomUUID(), sessionId: randomUUID(), username: username.slice(0, 32) };
}

export function mintAccessToken(
  key: KeyObject,
  signing: SigningSpec,
  user: MintedUser,
): Promise<string> {
  const now = Math.floor(Date.now() / 1_000);
  return new SignJWT({ sid: user.sessionId, username: user.username, role: 'user' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: signing.kid })
    .setIssuer(signing.issuer)
    .setAudience(signing.audience)
    .setSubject(user.userId)
    .setIssuedAt(now)
    .setExpirationTime(now + signing.ttlSec)
    .setJti(randomUUID())
    .sign(key);
}
