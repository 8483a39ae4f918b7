// Local verification of access tokens against auth-service's JWKS. Every service does this on
// each request, so it must be cheap (keys cached) and strict (algorithm allow-list, typ, iss,
// aud, exp). Whatever goes wrong, the caller sees 401 — a bad token is never a server error.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type CryptoKey,
} from 'jose';
import { AppError } from '../errors.js';
import {
  ACCESS_TOKEN_ALG,
  ACCESS_TOKEN_TYP,
  accessTokenPayloadSchema,
  type AccessUser,
} from './access-token-claims.js';

interface CommonOptions {
  issuer: string;
  audience: string;
  /** Allowed clock skew between auth-service and this host, in seconds (default 5). */
  clockToleranceSec?: number;
}

interface RemoteKeysOptions extends CommonOptions {
  /** auth-service's `/.well-known/jwks.json`. */
  jwksUrl: string | URL;
  /** Minimum time between refetches triggered by an unknown `kid` (default 30 s). */
  jwksCooldownMs?: number;
  /** Refetch cached keys after this long even without an unknown `kid` (default 10 min). */
  jwksCacheMaxAgeMs?: number;
  /** Abort a JWKS fetch after this long (default 5 s). */
  jwksTimeoutMs?: number;
  keySet?: never;
}

interface LocalKeysOptions extends CommonOptions {
  /** The public keys themselves, e.g. in auth-service, which holds them. */
  keySet: JSONWebKeySet;
  jwksUrl?: never;
}

export type AccessTokenVerifierOptions = RemoteKeysOptions | LocalKeysOptions;

export interface AccessTokenVerifier {
  /** Resolves to the caller, or rejects with AppError 401 UNAUTHORIZED. */
  verify: (token: string) => Promise<AccessUser>;
}

type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** A 401 that tells the client (RFC 6750 §3) this token is unusable. */
export function invalidToken(description: string, cause?: unknown): AppError {
  return new AppError(401, 'UNAUTHORIZED', description, {
    cause,
    // RFC 6750 §3: tells the client this token is unusable (refresh or log in again).
    headers: {
      'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
    },
  });
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'Access token expired';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'Access token signed by an unknown key';
  // Signature, algorithm, typ, iss, aud, nbf, malformed input, JWKS unreachable: the client
  // cannot act on the difference, and the details stay in the error's cause for our logs.
  return 'Invalid access token';
}

/**
 * The JWT checks every token from auth-service gets, whatever it stands for (a user's access
 * token or a service's client-credentials token): ES256 only, a known `kid`, `typ: at+jwt`,
 * `iss`, `aud`, `exp`/`nbf` with a small clock tolerance. Resolves to the unvalidated claims.
 */
export interface JwtVerifier {
  /** Resolves to the token's claims, or rejects with AppError 401 UNAUTHORIZED. */
  verify: (token: string) => Promise<Record<string, unknown>>;
}

/** One key set and one set of JWT checks, shared by the user and the service-token verifiers. */
export function createJwtVerifier(options: AccessTokenVerifierOptions): JwtVerifier {
  const keys: KeyResolver =
    options.keySet !== undefined
      ? createLocalJWKSet(options.keySet)
      : createRemoteJWKSet(new URL(options.jwksUrl), {
          cooldownDuration: options.jwksCooldownMs ?? 30_000,
          cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
          timeoutDuration: options.jwksTimeoutMs ?? 5_000,
        });

  // Our tokens always name their key; a token without `kid` did not come from auth-service.
  const resolveKey: KeyResolver = async (header, token) => {
    if (typeof header.kid !== 'string' || header.kid === '') {
      throw new joseErrors.JWSInvalid('missing kid');
    }
    return keys(header, token);
  };

  return {
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, resolveKey, {
          algorithms: [ACCESS_TOKEN_ALG],
          typ: ACCESS_TOKEN_TYP,
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockToleranceSec ?? 5,
          requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
        });
        return payload;
      } catch (error) {
        throw invalidToken(describe(error), error);
      }
    },
  };
}

/** The user a verified token's claims describe; 401 when they are not a user token's claims. */
export function accessUserFromClaims(payload: unknown): AccessUser {
  const claims = accessTokenPayloadSchema.safeParse(payload);
  if (!claims.success) throw invalidToken('Access token lacks required claims', claims.error);
  const { sub, sid, username, role, exp } = claims.data;
  return { userId: sub, sessionId: sid, username, role, expiresAt: new Date(exp * 1000) };
}

export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  const jwt = createJwtVerifier(options);
  return {
    verify: async (token) => accessUserFromClaims(await jwt.verify(token)),
  };
}
