// Token minting for tests (here and in services that verify tokens): a real ES256 key pair and
// a signer that can also produce the malformed tokens the negative suites need.
import { randomUUID, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP } from './access-token-claims.js';

export interface TestSigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function createTestSigningKey(kid: string = randomUUID()): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
  return { kid, privateKey, publicKey, publicJwk };
}

export interface TestTokenOptions {
  issuer: string;
  audience: string;
  /** Claims to add or override; `undefined` values remove the claim. */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  expiresInSec?: number;
}

/** Signs an access token like auth-service does, with any claim or header changed. */
export async function signTestAccessToken(
  key: Pick<TestSigningKey, 'kid'> & { privateKey: CryptoKey | KeyObject },
  { issuer, audience, claims = {}, header = {}, expiresInSec = 900 }: TestTokenOptions,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: issuer,
    aud: audience,
    sub: randomUUID(),
    sid: randomUUID(),
    username: 'alice',
    role: 'user',
    iat: now,
    exp: now + expiresInSec,
    jti: randomUUID(),
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) Reflect.deleteProperty(payload, name);
  }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid: key.kid, ...header })
    .sign(key.privateKey);
}
