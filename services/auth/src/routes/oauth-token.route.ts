// POST /oauth/token — the OAuth2 client-credentials grant (RFC 6749 §4.4) for service-to-service
// calls (chat → archive). Clients authenticate with HTTP Basic (client_secret_basic) or with
// client_id/client_secret in the form (client_secret_post), and get a short-lived RFC 9068 JWT
// carrying the granted scopes. Errors use the RFC's own body (`{error, error_description}`),
// because OAuth client libraries parse exactly that.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, toAppError } from '@falablau/common';
import type { ServiceClient, ServiceClientRegistry } from '../clients/service-clients.js';
import type { ServiceTokenSigner } from '../tokens/service-token.signer.js';
import type { RouteContext } from './route-context.js';

type OAuthErrorCode =
  'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

const oauthError = (status: number, code: OAuthErrorCode, description: string) =>
  new AppError(status, code, description, {
    headers: code === 'invalid_client' ? { 'www-authenticate': 'Basic realm="falablau"' } : {},
  });

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string() });

// RFC 6749 §3.2: the server MUST ignore unrecognised parameters, so this object is not strict.
const tokenRequestSchema = z.object({
  grant_type: z.string().max(64),
  scope: z.string().max(1024).optional(),
  client_id: z.string().max(128).optional(),
  client_secret: z.string().max(512).optional(),
});
type TokenRequest = z.infer<typeof tokenRequestSchema>;

/** client_secret_basic: `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header === undefined ? null : /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

function authenticateClient(
  registry: ServiceClientRegistry,
  request: FastifyRequest,
  body: TokenRequest,
): ServiceClient {
  const basic = basicCredentials(request.headers.authorization);
  if (basic && (body.client_id !== undefined || body.client_secret !== undefined)) {
    throw oauthError(400, 'invalid_request', 'Use one client authentication method, not two');
  }
  const id = basic?.id ?? body.client_id;
  const secret = basic?.secret ?? body.client_secret;
  if (id === undefined || secret === undefined) {
    throw oauthError(401, 'invalid_client', 'Client authentication is required');
  }
  const client = registry.authenticate(id, secret);
  if (!client) throw oauthError(401, 'invalid_client', 'Unknown client or wrong secret');
  return client;
}

function grantedScopes(client: ServiceClient, requested: string | undefined): string[] {
  if (requested === undefined || requested.trim() === '') return [...client.scopes];
  const scopes = [...new Set(requested.split(' ').filter((s) => s.length > 0))];
  const refused = scopes.filter((s) => !client.scopes.includes(s));
  if (refused.length > 0) {
    throw oauthError(
      400,
      'invalid_scope',
      `Scope not allowed for this client: ${refused.join(' ')}`,
    );
  }
  return scopes;
}

/** Every failure on this route, ours or Fastify's, answered in RFC 6749 §5.2 form. */
function oauthErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const known = toAppError(error);
  if (!known || known.statusCode >= 500) request.log.error({ err: error }, 'token endpoint failed');
  const status = known?.statusCode ?? 500;
  const code =
    known?.code.startsWith('invalid_') || known?.code === 'unsupported_grant_type'
      ? known.code
      : status === 429
        ? 'slow_down'
        : status < 500
          ? 'invalid_request'
          : 'server_error';
  void reply
    .code(status)
    .headers({ ...(known?.headers ?? {}), 'cache-control': 'no-store' })
    .send({ error: code, error_description: known?.message ?? 'Internal server error' });
}

export function oauthTokenRoute(
  { app, clock, ipRateLimit }: RouteContext,
  clients: ServiceClientRegistry,
  signer: ServiceTokenSigner,
): void {
  app.post(
    '/oauth/token',
    {
      config: ipRateLimit,
      errorHandler: oauthErrorHandler,
      schema: {
        tags: ['oauth'],
        summary: 'OAuth2 client-credentials grant: a service token for internal calls',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: tokenRequestSchema,
        response: {
          200: z.object({
            access_token: z.string().describe('ES256 JWT (typ at+jwt) with client_id and scope'),
            token_type: z.literal('Bearer'),
            expires_in: z.number().int(),
            scope: z.string(),
          }),
          400: oauthErrorSchema,
          401: oauthErrorSchema,
          413: oauthErrorSchema.describe('The body is over the limit (4 KiB form, 16 KiB JSON)'),
          415: oauthErrorSchema.describe('The body is neither a form nor JSON'),
          429: oauthErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const client = authenticateClient(clients, request, request.body);
      if (request.body.grant_type !== 'client_credentials') {
        throw oauthError(400, 'unsupported_grant_type', 'Only client_credentials is supported');
      }
      const scopes = grantedScopes(client, request.body.scope);
      const { token, expiresAt } = await signer.sign(client.clientId, scopes);
      // RFC 6749 §5.1: token responses must not be cached.
      void reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' });
      return {
        access_token: token,
        token_type: 'Bearer' as const,
        expires_in: Math.max(1, Math.round((expiresAt.getTime() - clock().getTime()) / 1000)),
        scope: scopes.join(' '),
      };
    },
  );
}
