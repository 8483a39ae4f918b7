import { credentialsSchema } from '../users/user.schemas.js';
import type { RouteContext } from './route-context.js';
import {
  bodyErrorResponses,
  errorResponseSchema,
  toTokenResponse,
  tokenResponseSchema,
} from './schemas.js';

export function registerRoute({ app, accounts, sessions, clock, ipRateLimit }: RouteContext): void {
  app.post(
    '/register',
    {
      config: ipRateLimit,
      schema: {
        tags: ['auth'],
        summary: 'Create an account and start a session',
        description:
          'Usernames: 3–32 of A–Z a–z 0–9 _ . - (unique regardless of case). Passwords: 8–1024 characters.',
        body: credentialsSchema,
        response: {
          201: tokenResponseSchema,
          400: errorResponseSchema,
          409: errorResponseSchema,
          ...bodyErrorResponses,
          429: errorResponseSchema,
          503: errorResponseSchema.describe('Too many password hashes queued: retry shortly'),
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const user = await accounts.register(username, password);
      const pair = await sessions.start(user);
      return reply.code(201).send(toTokenResponse(pair, clock()));
    },
  );
}
