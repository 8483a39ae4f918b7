// Service-to-service authentication: OAuth2 client-credentials access tokens (RFC 6749 §4.4) in
// the JWT profile of RFC 9068, issued by auth-service (`POST /oauth/token`) and signed with the
// same keys as user tokens, so every service verifies both against one JWKS with one set of checks
// (createJwtVerifier). What tells them apart is the claims: a service token names a client
// (`sub: "svc:<clientId>"`, `client_id`, `scope`) and never a user session (`sid`, `role`,
// `username`); a token carrying both is refused rather than guessed at.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, errors } from '../errors.js';
import type { AccessUser } from './access-token-claims.js';
import {
  accessUserFromClaims,
  createJwtVerifier,
  invalidToken,
  type AccessTokenVerifierOptions,
} from './access-token-verifier.js';
import { bearerToken } from './require-user.js';

/** `sub` of a service token: this prefix plus the client id (user ids are UUIDs, never `svc:…`). */
export const SERVICE_SUBJECT_PREFIX = 'svc:';

const clientIdSchema = z
  .string()
  .regex(/^[\w.-]{1,128}$/, 'client ids are 1-128 of [A-Za-z0-9_.-]');
// RFC 6749 §3.3: scope tokens are printable ASCII except space, `"` and `\`.
const scopeTokenPattern = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export const serviceTokenPayloadSchema = z
  .object({
    sub: z.string().startsWith(SERVICE_SUBJECT_PREFIX),
    client_id: clientIdSchema,
    /** Space-separated scopes, e.g. `archive:write archive:read`. */
    scope: z
      .string()
      .max(1024)
      .refine((scope) => parseScopes(scope).every((token) => scopeTokenPattern.test(token))),
    exp: z.number().int(),
    // A user session's claims have no place in a service token.
    sid: z.never().optional(),
    role: z.never().optional(),
    username: z.never().optional(),
  })
  .refine((claims) => claims.sub === `${SERVICE_SUBJECT_PREFIX}${claims.client_id}`, {
    message: 'sub must be svc:<client_id>',
  });

export type ServiceTokenPayload = z.infer<typeof serviceTokenPayloadSchema>;

/** What a verified service token tells a service about its caller. */
export interface ServiceCaller {
  clientId: string;
  scopes: readonly string[];
  expiresAt: Date;
}

/** Whoever presented a valid token: a user (their access token) or a service (client credentials). */
export type Caller =
  { kind: 'user'; user: AccessUser } | { kind: 'service'; service: ServiceCaller };

export interface CallerVerifier {
  /** Resolves to the caller, or rejects with AppError 401 UNAUTHORIZED. */
  verify: (token: string) => Promise<Caller>;
}

export function parseScopes(scope: string): string[] {
  return scope.split(' ').filter((token) => token.length > 0);
}

/** The claims auth-service puts in a client-credentials token (and tests sign), besides iss/aud/iat/exp. */
export function serviceTokenClaims(
  clientId: string,
  scopes: readonly string[],
): Pick<ServiceTokenPayload, 'sub' | 'client_id' | 'scope'> {
  return {
    sub: `${SERVICE_SUBJECT_PREFIX}${clientId}`,
    client_id: clientId,
    scope: scopes.join(' '),
  };
}

function serviceFromClaims(payload: Record<string, unknown>): ServiceCaller {
  const claims = serviceTokenPayloadSchema.safeParse(payload);
  if (!claims.success) throw invalidToken('Service token has invalid claims', claims.error);
  const { client_id: clientId, scope, exp } = claims.data;
  return { clientId, scopes: parseScopes(scope), expiresAt: new Date(exp * 1000) };
}

/** Verifies user and service tokens alike (same keys, same checks) and says which it was. */
export function createCallerVerifier(options: AccessTokenVerifierOptions): CallerVerifier {
  const jwt = createJwtVerifier(options);
  return {
    verify: async (token) => {
      const payload = await jwt.verify(token);
      // `client_id` is what RFC 9068 puts in every access token a client obtained for itself.
      if (Object.hasOwn(payload, 'client_id')) {
        return { kind: 'service', service: serviceFromClaims(payload) };
      }
      return { kind: 'user', user: accessUserFromClaims(payload) };
    },
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified calling service; set by `requireScope` / `requireUserOrScope`. */
    service?: ServiceCaller;
  }
}

type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function hasScope(service: ServiceCaller, scope: string): boolean {
  return service.scopes.includes(scope);
}

function insufficientScope(message: string, scope: string): AppError {
  return new AppError(403, 'FORBIDDEN', message, {
    // RFC 6750 §3.1: the token is fine, it just does not carry this scope.
    headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
  });
}

async function verifyCaller(verifier: CallerVerifier, request: FastifyRequest): Promise<Caller> {
  const caller = await verifier.verify(bearerToken(request.headers.authorization));
  if (caller.kind === 'user') request.user = caller.user;
  else request.service = caller.service;
  return caller;
}

/**
 * Internal endpoints: only a service token with `scope`. No or an invalid token → 401; a user's
 * token (even an admin's) or a service token without the scope → 403.
 */
export function requireScope(verifier: CallerVerifier, scope: string): Guard {
  return async (request) => {
    const caller = await verifyCaller(verifier, request);
    if (caller.kind === 'user') {
      throw insufficientScope(`Internal endpoint: requires a service token with ${scope}`, scope);
    }
    if (!hasScope(caller.service, scope)) {
      throw insufficientScope(`Requires the ${scope} scope`, scope);
    }
  };
}

/**
 * Endpoints open to signed-in users and to services: any valid user token passes (the handler
 * decides what that user may see); a service token needs `scope`. No or an invalid token → 401.
 */
export function requireUserOrScope(verifier: CallerVerifier, scope: string): Guard {
  return async (request) => {
    const caller = await verifyCaller(verifier, request);
    if (caller.kind === 'service' && !hasScope(caller.service, scope)) {
      throw insufficientScope(`Requires the ${scope} scope`, scope);
    }
  };
}

/** The calling service on a route guarded by `requireScope`; 401 if the guard is missing. */
export function authenticatedService(request: FastifyRequest): ServiceCaller {
  if (!request.service) throw errors.unauthorized();
  return request.service;
}

/** The caller on a route guarded by `requireUserOrScope`; 401 if the guard is missing. */
export function authenticatedCaller(request: FastifyRequest): Caller {
  if (request.service) return { kind: 'service', service: request.service };
  if (request.user) return { kind: 'user', user: request.user };
  throw errors.unauthorized();
}
