import { z } from 'zod';
import { bearerToken, errors } from '@falablau/common';
import type { RouteContext } from './route-context.js';
import { bodyErrorResponses, errorResponseSchema, refreshTokenSchema } from './schemas.js';

export function logoutRoute({ app, sessions, verifier }: RouteContext): void {
  app.post(
    '/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End the session',
        description:
          'Identify the session with `Authorization: Bearer <access token>` or with `{ "refreshToken": "…" }` (works after the access token expired). Revokes the session and publishes session.revoked on auth.sessions.v1. Idempotent.',
        // No body at all reaches the validator as null.
        body: z.strictObject({ refreshToken: refreshTokenSchema.optional() }).nullish(),
        response: {
          204: z.null(),
          400: errorResponseSchema,
          401: errorResponseSchema,
          ...bodyErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const refreshToken = request.body?.refreshToken;
      if (refreshToken !== undefined) {
        await sessions.revokeByRefreshToken(refreshToken, 'logout');
      } else if (request.headers.authorization !== undefined) {
        // Signature and expiry are checked, the session's state is not: logging out twice is fine.
        const user = await verifier.verify(bearerToken(request.headers.authorization));
        await sessions.revoke(user.sessionId, 'logout');
      } else {
        throw errors.unauthorized('Send an access token (Authorization: Bearer) or a refreshToken');
      }
      return reply.code(204).send(null);
    },
  );
}
