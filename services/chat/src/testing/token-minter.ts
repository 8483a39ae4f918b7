// Tests and the latency script stand in for auth-service: a real ES256 key whose JWKS is served
// over HTTP (chat processes fetch it like they fetch auth-service's), and a signer for tokens
// of any shape, including the broken ones the handshake tests need.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAccessTokenVerifier,
  createTestSigningKey,
  signTestAccessToken,
  type AccessTokenVerifier,
} from '@falablau/common';

/** Someone to connect as: a user and one login session of theirs. */
export interface TestUser {
  userId: string;
  username: string;
  sessionId: string;
}

export interface MintOptions {
  /** Seconds until `exp` (negative: already expired). Default 900, like auth-service. */
  expiresInSec?: number;
  /** Claims to add or override; `undefined` removes one. */
  claims?: Record<string, unknown>;
}

export interface TokenMinter {
  issuer: string;
  audience: string;
  /** What chat-service's AUTH_SERVICE_URL points at (it appends /.well-known/jwks.json). */
  authServiceUrl: string;
  /** A verifier for in-process apps (same keys, no HTTP). */
  verifier: AccessTokenVerifier;
  /** A new user with a new session; `name` becomes the username (made unique). */
  user(name?: string): TestUser;
  /** Another login session of the same user (a second device). */
  newSession(user: TestUser): TestUser;
  mint(user: TestUser, options?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

export async function createTokenMinter({
  issuer = 'falablau-auth',
  audience = 'falablau',
} = {}): Promise<TokenMinter> {
  const key = await createTestSigningKey();
  const jwks = JSON.stringify({ keys: [key.publicJwk] });
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let counter = 0;

  return {
    issuer,
    audience,
    authServiceUrl: `http://127.0.0.1:${port}`,
    verifier: createAccessTokenVerifier({ keySet: { keys: [key.publicJwk] }, issuer, audience }),
    user(name = 'user') {
      counter += 1;
      return { userId: randomUUID(), username: `${name}-${counter}`, sessionId: randomUUID() };
    },
    newSession: (user) => ({ ...user, sessionId: randomUUID() }),
    mint: (user, { expiresInSec = 900, claims = {} } = {}) =>
      signTestAccessToken(key, {
        issuer,
        audience,
        expiresInSec,
        claims: { sub: user.userId, sid: user.sessionId, username: user.username, ...claims },
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
