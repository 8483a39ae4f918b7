import { z } from 'zod';
import type { RouteContext } from './route-context.js';
import {
  bodyErrorResponses,
  errorResponseSchema,
  refreshTokenSchema,
  toTokenResponse,
  tokenResponseSchema,
} from './schemas.js';

export function refreshRoute({ app, sessions, clock, ipRateLimit }: RouteContext): void {
  app.post(
    '/refresh',
    {
      config: ipRateLimit,
      schema: {
        tags: ['auth'],
        summary: 'Rotate a refresh token: returns a new access token and a new refresh token',
        description:
          'Each refresh token works once. Presenting an already-rotated token within a few seconds (two requests racing) → 401 REFRESH_TOKEN_ROTATED, the session stays; later → the whole session is revoked (token theft) and 401.',
        body: z.strictObject({ refreshToken: refreshTokenSchema }),
        response: {
          200: tokenResponseSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          ...bodyErrorResponses,
          429: errorResponseSchema,
        },
      },
    },
    async (request) => toTokenResponse(await sessions.refresh(request.body.refreshToken), clock()),
  );
}
