// RFC 8414 authorization-server metadata, so OAuth client libraries (and people) can discover
// the token endpoint, the JWKS and what is supported instead of hard-coding them.
import { z } from 'zod';
import type { RouteContext } from './route-context.js';

export function oauthMetadataRoute({ app, config }: RouteContext): void {
  app.get(
    '/.well-known/oauth-authorization-server',
    {
      schema: {
        tags: ['oauth'],
        summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
        response: {
          200: z.object({
            issuer: z.string(),
            token_endpoint: z.string(),
            jwks_uri: z.string(),
            grant_types_supported: z.array(z.string()),
            token_endpoint_auth_methods_supported: z.array(z.string()),
            token_endpoint_auth_signing_alg_values_supported: z.array(z.string()).optional(),
          }),
        },
      },
    },
    async (request) => {
      // PUBLIC_URL when set (behind an ingress prefix such as /api/auth), else how we were reached.
      const base = config.publicUrl ?? `${request.protocol}://${request.host}`;
      return {
        issuer: config.jwt.issuer,
        token_endpoint: `${base}/oauth/token`,
        jwks_uri: `${base}/.well-known/jwks.json`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      };
    },
  );
}
