import { z } from 'zod';
import type { RouteContext } from './route-context.js';

const jwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.literal('ES256'),
  use: z.literal('sig'),
});

export function jwksRoute({ app, signingKeys }: RouteContext): void {
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['auth'],
        summary: 'Public keys that verify access tokens (current and recently retired)',
        response: { 200: z.object({ keys: z.array(jwkSchema) }) },
      },
    },
    async (_request, reply) => {
      // Verifiers cache it anyway and refetch on an unknown kid; a short max-age keeps rotation quick.
      return reply.header('cache-control', 'public, max-age=300').send(signingKeys.jwks);
    },
  );
}
