// Client-credentials access tokens (RFC 9068 JWT profile): same keys, header and registered
// claims as user tokens, so every service verifies both with one JWKS; the claims name a client
// and its scopes instead of a user session (see @falablau/common jwt/service-token.ts).
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, serviceTokenClaims } from '@falablau/common';
import type { SigningKeys } from './signing-keys.js';

export interface ServiceTokenSignerOptions {
  keys: SigningKeys;
  issuer: string;
  audience: string;
  ttlMs: number;
  clock: () => Date;
}

export interface SignedServiceToken {
  token: string;
  expiresAt: Date;
}

export function createServiceTokenSigner({
  keys,
  issuer,
  audience,
  ttlMs,
  clock,
}: ServiceTokenSignerOptions) {
  return {
    sign: async (clientId: string, scopes: readonly string[]): Promise<SignedServiceToken> => {
      const issuedAt = Math.floor(clock().getTime() / 1000);
      const expiresAt = issuedAt + Math.floor(ttlMs / 1000);
      const { sub, ...claims } = serviceTokenClaims(clientId, scopes);
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid: keys.current.kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .setJti(randomUUID())
        .sign(keys.current.privateKey);
      return { token, expiresAt: new Date(expiresAt * 1000) };
    },
  };
}
export type ServiceTokenSigner = ReturnType<typeof createServiceTokenSigner>;
