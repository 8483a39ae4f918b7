// Route guards for Fastify: `preHandler: [requireUser(verifier), requireRole('admin')]`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../errors.js';
import type { AccessUser, Role } from './access-token-claims.js';
import type { AccessTokenVerifier } from './access-token-verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by `requireUser`, absent on public routes. */
    user?: AccessUser;
  }
}

type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

/** The token of an `Authorization: Bearer …` header; 401 when missing or malformed. */
export function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : BEARER.exec(header.trim());
  if (!match?.[1]) throw errors.unauthorized('Missing or malformed Authorization: Bearer header');
  return match[1];
}

export function requireUser(verifier: AccessTokenVerifier): Guard {
  return async (request) => {
    request.user = await verifier.verify(bearerToken(request.headers.authorization));
  };
}

// An admin may do everything a user may.
const rank: Record<Role, number> = { user: 0, admin: 1 };

/** Use after `requireUser`: 403 unless the caller has `role` (or a higher one). */
export function requireRole(role: Role): Guard {
  return async (request) => {
    const user = authenticatedUser(request);
    if (rank[user.role] < rank[role]) throw errors.forbidden(`Requires the ${role} role`);
  };
}

/** The caller on a route guarded by `requireUser`; 401 if the guard is missing. */
export function authenticatedUser(request: FastifyRequest): AccessUser {
  if (!request.user) throw errors.unauthorized();
  return request.user;
}
