import { z } from 'zod';
import { roleSchema } from '@falablau/common';
import type { RouteContext } from './route-context.js';
import { bodyErrorResponses, errorResponseSchema } from './schemas.js';

export function verifyRoute({ app, verifier, sessions }: RouteContext): void {
  app.post(
    '/verify',
    {
      schema: {
        tags: ['auth'],
        summary: 'Check an access token (signature, claims, and that its session is still live)',
        body: z.strictObject({ token: z.string().min(1).max(8192) }),
        response: {
          200: z.object({
            valid: z.literal(true),
            user: z.object({
              id: z.uuid(),
              username: z.string(),
              role: roleSchema,
              sessionId: z.uuid(),
              expiresAt: z.iso.datetime(),
            }),
          }),
          400: errorResponseSchema,
          401: errorResponseSchema,
          ...bodyErrorResponses,
        },
      },
    },
    async (request) => {
      const user = await verifier.verify(request.body.token);
      await sessions.assertActive(user.sessionId);
      return {
        valid: true as const,
        user: {
          id: user.userId,
          username: user.username,
          role: user.role,
          sessionId: user.sessionId,
          expiresAt: user.expiresAt.toISOString(),
        },
      };
    },
  );
}
