// Access tokens: short-lived ES256 JWTs in the RFC 9068 shape (`typ: at+jwt`) that every
// service verifies locally against the JWKS with @falablau/common's verifier.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  ACCESS_TOKEN_ALG,
  ACCESS_TOKEN_TYP,
  type AccessTokenPayload,
  type Role,
} from '@falablau/common';
import type { SigningKeys } from './signing-keys.js';

export interface AccessTokenSubject {
  userId: string;
  username: string;
  role: Role;
  sessionId: string;
}

export interface SignedAccessToken {
  token: string;
  expiresAt: Date;
}

export interface AccessTokenSigner {
  sign: (subject: AccessTokenSubject) => Promise<SignedAccessToken>;
}

export interface AccessTokenSignerOptions {
  keys: SigningKeys;
  issuer: string;
  audience: string;
  ttlMs: number;
  clock: () => Date;
}

export function createAccessTokenSigner({
  keys,
  issuer,
  audience,
  ttlMs,
  clock,
}: AccessTokenSignerOptions): AccessTokenSigner {
  return {
    sign: async ({ userId, username, role, sessionId }) => {
      const issuedAt = Math.floor(clock().getTime() / 1000);
      const expiresAt = issuedAt + Math.floor(ttlMs / 1000);
      const claims: Omit<AccessTokenPayload, 'sub' | 'exp'> = { sid: sessionId, username, role };
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid: keys.current.kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(userId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .setJti(randomUUID())
        .sign(keys.current.privateKey);
      return { token, expiresAt: new Date(expiresAt * 1000) };
    },
  };
}
