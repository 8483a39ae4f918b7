// The JWT negative suite every service runs at each protected HTTP route and at the Socket.IO
// handshake: tokens that are forged, stale, misdirected or of the wrong kind, each built with jose
// against the key the service under test trusts (a TestSigningKey from ../../jwt/test-keys.ts, or
// auth-service's real signing key), so each one fails for exactly the one thing it changes.
// `validToken` builds the same token with nothing changed: the positive control that proves a
// refusal comes from the change and not from some other mistake in the set-up.
import { createPublicKey, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import {
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP } from '../../jwt/access-token-claims.js';
import { SERVICE_SUBJECT_PREFIX } from '../../jwt/service-token.js';

/** The key the service under test trusts (its kid is in the JWKS the service reads). */
export interface TrustedSigningKey {
  kid: string;
  privateKey: CryptoKey | KeyObject;
}

/** Whose token is forged: a real user and session of the system under test, ideally. */
export interface TokenSubject {
  sub: string;
  sid: string;
  username: string;
  role?: 'user' | 'admin';
}

export interface JwtCaseOptions {
  key: TrustedSigningKey;
  issuer: string;
  audience: string;
  subject: TokenSubject;
  /** A real refresh token of the subject (auth-service); a look-alike is made up otherwise. */
  refreshToken?: string;
}

/** What a service must answer; identical for every case unless a service documents otherwise. */
export interface JwtExpectedOutcome {
  status: 401;
  code: 'UNAUTHORIZED';
  /** RFC 6750 §3: the challenge says the token is unusable. */
  wwwAuthenticate: RegExp;
  /** The error message of the HTTP body and of the handshake's `connect_error`. */
  message: RegExp;
}

export type JwtCaseId =
  | 'alg-none'
  | 'alg-none-unsigned-kept-signature'
  | 'hs256-with-public-key-pem'
  | 'hs256-with-public-jwk'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'audience-list-without-ours'
  | 'expired'
  | 'not-yet-valid'
  | 'missing-kid'
  | 'unknown-kid'
  | 'another-key'
  | 'another-key-under-our-kid'
  | 'embedded-jwk-header'
  | 'typ-jwt'
  | 'typ-missing'
  | 'unknown-crit-header'
  | 'tampered-payload'
  | 'tampered-signature'
  | 'empty-signature'
  | 'missing-sub'
  | 'missing-sid'
  | 'missing-exp'
  | 'unknown-role'
  | 'refresh-token'
  | 'opaque-garbage'
  | 'service-token';

export interface JwtNegativeCase {
  id: JwtCaseId;
  /** What is wrong with it, for test titles. */
  title: string;
  token: string;
  expected: JwtExpectedOutcome;
}

const invalidToken = /^Bearer error="invalid_token"/;
const outcome = (message: RegExp): JwtExpectedOutcome => ({
  status: 401,
  code: 'UNAUTHORIZED',
  wwwAuthenticate: invalidToken,
  message,
});
const invalid = outcome(/^Invalid access token$/);
const unknownKey = outcome(/^Access token signed by an unknown key$/);
const lacksClaims = outcome(/^(Access token lacks required claims|Invalid access token)$/);
const expired = outcome(/^Access token expired/);

const now = (): number => Math.floor(Date.now() / 1000);
const encode = (value: unknown): string => base64url.encode(JSON.stringify(value));

function publicKeyObject(key: CryptoKey | KeyObject): KeyObject {
  const keyObject = key instanceof KeyObject ? key : KeyObject.from(key);
  return keyObject.type === 'private' ? createPublicKey(keyObject) : keyObject;
}

interface Build {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  signWith?: CryptoKey | KeyObject | Uint8Array;
  /** Header extensions jose must let through when signing (`crit`). */
  crit?: Record<string, boolean>;
}

/** The token the factory starts from: exactly what auth-service issues for the subject. */
export function validClaims(options: JwtCaseOptions): Record<string, unknown> {
  const issuedAt = now();
  return {
    iss: options.issuer,
    aud: options.audience,
    sub: options.subject.sub,
    sid: options.subject.sid,
    username: options.subject.username,
    role: options.subject.role ?? 'user',
    iat: issuedAt,
    exp: issuedAt + 600,
    jti: randomUUID(),
  };
}

async function build(options: JwtCaseOptions, change: Build = {}): Promise<string> {
  const payload: Record<string, unknown> = { ...validClaims(options), ...change.claims };
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) Reflect.deleteProperty(payload, name);
  }
  const header: Record<string, unknown> = {
    alg: ACCESS_TOKEN_ALG,
    typ: ACCESS_TOKEN_TYP,
    kid: options.key.kid,
    ...change.header,
  };
  for (const [name, value] of Object.entries(header)) {
    if (value === undefined) Reflect.deleteProperty(header, name);
  }
  const alg = typeof header.alg === 'string' ? header.alg : ACCESS_TOKEN_ALG;
  return new SignJWT(payload)
    .setProtectedHeader({ ...header, alg })
    .sign(change.signWith ?? options.key.privateKey, change.crit ? { crit: change.crit } : {});
}

/** A token the service must accept: the positive control of the suite. */
export function validToken(options: JwtCaseOptions): Promise<string> {
  return build(options);
}

/** Flips bits in the middle of the signature (keeps it valid base64url of the same length). */
function tamperSignature(token: string): string {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

/** Every negative case, each with the outcome a service must give. */
export async function jwtNegativeCases(options: JwtCaseOptions): Promise<JwtNegativeCase[]> {
  const publicKey = publicKeyObject(options.key.privateKey);
  const publicPem = await exportSPKI(publicKey);
  const publicJwk = await exportJWK(publicKey);
  const attacker = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
  const attackerJwk: JWK = await exportJWK(attacker.publicKey);
  const valid = await build(options);
  const [validHeader = '', validPayload = '', validSignature = ''] = valid.split('.');
  const issuedAt = now();

  const cases: [JwtCaseId, string, Promise<string> | string, JwtExpectedOutcome][] = [
    [
      'alg-none',
      'alg "none" and no signature',
      `${encode({ alg: 'none', typ: ACCESS_TOKEN_TYP, kid: options.key.kid })}.${validPayload}.`,
      invalid,
    ],
    [
      'alg-none-unsigned-kept-signature',
      'alg "none" with the original signature left on',
      `${encode({ alg: 'none', typ: ACCESS_TOKEN_TYP, kid: options.key.kid })}.${validPayload}.${validSignature}`,
      invalid,
    ],
    [
      'hs256-with-public-key-pem',
      'HS256 signed with the public key (PEM) as the HMAC secret',
      build(options, {
        header: { alg: 'HS256' },
        claims: { role: 'admin' },
        signWith: new TextEncoder().encode(publicPem),
      }),
      invalid,
    ],
    [
      'hs256-with-public-jwk',
      'HS256 signed with the public JWK (JSON) as the HMAC secret',
      build(options, {
        header: { alg: 'HS256' },
        signWith: new TextEncoder().encode(JSON.stringify(publicJwk)),
      }),
      invalid,
    ],
    [
      'wrong-issuer',
      'another issuer',
      build(options, { claims: { iss: 'https://evil.example' } }),
      invalid,
    ],
    [
      'wrong-audience',
      'another audience',
      build(options, { claims: { aud: 'another-api' } }),
      invalid,
    ],
    [
      'audience-list-without-ours',
      'an audience list without ours',
      build(options, { claims: { aud: ['another-api', `${options.audience}-admin`] } }),
      invalid,
    ],
    [
      'expired',
      'expired (beyond the clock tolerance)',
      build(options, { claims: { iat: issuedAt - 3600, exp: issuedAt - 600 } }),
      expired,
    ],
    [
      'not-yet-valid',
      'not valid yet (nbf in 10 minutes)',
      build(options, { claims: { nbf: issuedAt + 600 } }),
      invalid,
    ],
    [
      'missing-kid',
      'no kid in the header',
      build(options, { header: { kid: undefined } }),
      invalid,
    ],
    [
      'unknown-kid',
      'our key under a kid nobody published',
      build(options, { header: { kid: `unknown-${randomUUID()}` } }),
      unknownKey,
    ],
    [
      'another-key',
      'another key pair with its own kid',
      build(options, {
        header: { kid: `attacker-${randomUUID()}` },
        signWith: attacker.privateKey,
      }),
      unknownKey,
    ],
    [
      'another-key-under-our-kid',
      'another key pair under our kid',
      build(options, { signWith: attacker.privateKey }),
      invalid,
    ],
    [
      'embedded-jwk-header',
      'the signer’s own public key embedded in the header (jwk)',
      build(options, {
        header: { kid: `attacker-${randomUUID()}`, jwk: attackerJwk },
        signWith: attacker.privateKey,
      }),
      unknownKey,
    ],
    [
      'typ-jwt',
      'typ "JWT" instead of "at+jwt"',
      build(options, { header: { typ: 'JWT' } }),
      invalid,
    ],
    ['typ-missing', 'no typ', build(options, { header: { typ: undefined } }), invalid],
    [
      'unknown-crit-header',
      'a critical header extension nobody understands',
      build(options, {
        header: { crit: ['x-falablau-ext'], 'x-falablau-ext': true },
        crit: { 'x-falablau-ext': true },
      }),
      invalid,
    ],
    [
      'tampered-payload',
      'the payload changed after signing (role admin)',
      `${validHeader}.${encode({ ...validClaims(options), role: 'admin' })}.${validSignature}`,
      invalid,
    ],
    ['tampered-signature', 'a flipped signature byte', tamperSignature(valid), invalid],
    ['empty-signature', 'the signature cut off', `${validHeader}.${validPayload}.`, invalid],
    ['missing-sub', 'no sub', build(options, { claims: { sub: undefined } }), invalid],
    [
      'missing-sid',
      'no sid (session)',
      build(options, { claims: { sid: undefined } }),
      lacksClaims,
    ],
    ['missing-exp', 'no exp', build(options, { claims: { exp: undefined } }), invalid],
    [
      'unknown-role',
      'a role that does not exist',
      build(options, { claims: { role: 'root' } }),
      lacksClaims,
    ],
    [
      'refresh-token',
      'a refresh token (opaque) instead of an access token',
      options.refreshToken ?? randomBytes(32).toString('base64url'),
      invalid,
    ],
    ['opaque-garbage', 'an opaque string', 'definitely-not-a-token', invalid],
    [
      'service-token',
      'a client-credentials (service) token where a user’s is required',
      build(options, {
        claims: {
          sub: `${SERVICE_SUBJECT_PREFIX}falablau-test-client`,
          client_id: 'falablau-test-client',
          scope: 'archive:read archive:write',
          sid: undefined,
          username: undefined,
          role: undefined,
        },
      }),
      lacksClaims,
    ],
  ];

  return Promise.all(
    cases.map(async ([id, title, token, expected]) => ({
      id,
      title,
      token: await token,
      expected,
    })),
  );
}

/** Authorization headers that carry no usable bearer token at all (RFC 6750 §3: `Bearer`). */
export function malformedAuthorizations(validAccessToken: string): {
  id: string;
  headers: Record<string, string>;
  /** Appended to the URL: a token there must not authenticate. */
  query?: string;
}[] {
  return [
    { id: 'no Authorization header', headers: {} },
    { id: 'Basic credentials', headers: { authorization: 'Basic dXNlcjpwYXNzd29yZA==' } },
    { id: 'Bearer without a token', headers: { authorization: 'Bearer ' } },
    { id: 'the token without a scheme', headers: { authorization: validAccessToken } },
    {
      id: 'two tokens',
      headers: { authorization: `Bearer ${validAccessToken} ${validAccessToken}` },
    },
    { id: 'a token with a quote', headers: { authorization: 'Bearer "abc"' } },
    {
      id: 'the token in the query string (access_token)',
      headers: {},
      query: `access_token=${encodeURIComponent(validAccessToken)}`,
    },
    { id: 'the token in a cookie', headers: { cookie: `access_token=${validAccessToken}` } },
  ];
}
