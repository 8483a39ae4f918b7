// The one archive guard common does not have: admin users only. A service token is refused with
// 403 like a plain user: retention overrides are a human decision.
import { bearerToken, errors, type CallerVerifier } from '@falablau/common';
import type { FastifyRequest } from 'fastify';

export function requireAdmin(verifier: CallerVerifier) {
  return async (request: FastifyRequest): Promise<void> => {
    const caller = await verifier.verify(bearerToken(request.headers.authorization));
    if (caller.kind !== 'user' || caller.user.role !== 'admin') {
      throw errors.forbidden('Requires the admin role');
    }
    request.user = caller.user;
  };
}
