import { credentialsSchema } from '../users/user.schemas.js';
import type { RouteContext } from './route-context.js';
import {
  bodyErrorResponses,
  errorResponseSchema,
  toTokenResponse,
  tokenResponseSchema,
} from './schemas.js';

export function loginRoute({ app, accounts, sessions, clock, ipRateLimit }: RouteContext): void {
  app.post(
    '/login',
    {
      config: ipRateLimit,
      schema: {
        tags: ['auth'],
        summary: 'Exchange a username and password for an access and a refresh token',
        description:
          'Wrong credentials → 401 (same answer and timing for unknown users). More than the allowed failures per account per hour, or too many requests from one IP → 429 with Retry-After.',
        body: credentialsSchema,
        response: {
          200: tokenResponseSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          ...bodyErrorResponses,
          429: errorResponseSchema,
          503: errorResponseSchema.describe('Too many password hashes queued: retry shortly'),
        },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const user = await accounts.authenticate(username, password);
      return toTokenResponse(await sessions.start(user), clock());
    },
  );
}
