// The client-credentials grant: a service authenticates (Basic or form), gets a JWT that every
// service's CallerVerifier recognises as a service token with the granted scopes, and nothing
// else (wrong secrets, other grants, scopes it does not own, user endpoints) gets through.
import { createHash } from 'node:crypto';
import { createCallerVerifier } from '@falablau/common';
import {
  startTestAuthApp,
  testAudience,
  testIssuer,
  type TestAuthApp,
} from '../testing/auth-test-app.js';
import { get } from '../testing/requests.js';

const chatSecret = 'chat-secret-0123456789abcdef';
const bareSecret = 'bare-secret-0123456789abcdef';
let t: TestAuthApp;

beforeAll(async () => {
  t = await startTestAuthApp({
    serviceClients: {
      'chat-service': { secret: chatSecret, scopes: ['archive:read', 'archive:write'] },
      bare: {
        secretSha256: createHash('sha256').update(bareSecret).digest('hex'),
        scopes: ['archive:read'],
      },
    },
  });
});

afterAll(async () => {
  await t.dispose();
});

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function tokenRequest(form: Record<string, string>, authorization?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: new URLSearchParams(form).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
  });
}

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

const verifier = () =>
  createCallerVerifier({ keySet: t.signingKeys.jwks, issuer: testIssuer, audience: testAudience });

describe('POST /oauth/token', () => {
  it('when a client authenticates with Basic, then it gets a service token with all its scopes', async () => {
    const res = await tokenRequest(
      { grant_type: 'client_credentials' },
      basic('chat-service', chatSecret),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<TokenBody>();
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'archive:read archive:write' });
    expect(body.expires_in).toBeGreaterThan(500);
    expect(body.expires_in).toBeLessThanOrEqual(600);
    const caller = await verifier().verify(body.access_token);
    expect(caller).toMatchObject({
      kind: 'service',
      service: { clientId: 'chat-service', scopes: ['archive:read', 'archive:write'] },
    });
  });

  it('when a client posts its credentials in the form and asks for one scope, then it gets just that', async () => {
    const res = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'chat-service',
      client_secret: chatSecret,
      scope: 'archive:read',
      unknown_parameter: 'ignored, as RFC 6749 requires',
    });
    expect(res.statusCode).toBe(200);
    const caller = await verifier().verify(res.json<TokenBody>().access_token);
    expect(caller).toMatchObject({ kind: 'service', service: { scopes: ['archive:read'] } });
  });

  it('when the client is configured by secret hash, then its plain secret still authenticates', async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials' }, basic('bare', bareSecret));
    expect(res.statusCode).toBe(200);
    expect(res.json<TokenBody>().scope).toBe('archive:read');
  });

  it.each([
    ['a wrong secret', basic('chat-service', 'wrong-secret-0123456789')],
    ['an unknown client', basic('nobody', chatSecret)],
    ['no credentials at all', undefined],
  ])(
    'when the request has %s, then 401 invalid_client with a Basic challenge',
    async (_l, auth) => {
      const res = await tokenRequest({ grant_type: 'client_credentials' }, auth);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="falablau"');
      expect(res.json()).toEqual({
        error: 'invalid_client',
        error_description: expect.any(String) as string,
      });
    },
  );

  it('when another grant type is asked for, then 400 unsupported_grant_type', async () => {
    const res = await tokenRequest({ grant_type: 'password' }, basic('chat-service', chatSecret));
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string }>().error).toBe('unsupported_grant_type');
  });

  it('when a scope the client does not own is asked for, then 400 invalid_scope', async () => {
    const res = await tokenRequest(
      { grant_type: 'client_credentials', scope: 'archive:read archive:admin' },
      basic('bare', bareSecret),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string }>().error).toBe('invalid_scope');
  });

  it('when both Basic and form credentials are sent, then 400 invalid_request', async () => {
    const res = await tokenRequest(
      { grant_type: 'client_credentials', client_id: 'chat-service', client_secret: chatSecret },
      basic('chat-service', chatSecret),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string }>().error).toBe('invalid_request');
  });

  it('when grant_type is missing, then 400 invalid_request in the RFC format', async () => {
    const res = await tokenRequest({}, basic('chat-service', chatSecret));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'invalid_request',
      error_description: expect.any(String) as string,
    });
  });

  it('when a service token is presented to a user endpoint, then 401', async () => {
    const res = await tokenRequest(
      { grant_type: 'client_credentials' },
      basic('chat-service', chatSecret),
    );
    const me = await get(t.app, '/users/me', res.json<TokenBody>().access_token);
    expect(me.statusCode).toBe(401);
  });

  it('when the metadata is fetched, then it names the token endpoint and the JWKS', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/.well-known/oauth-authorization-server',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      issuer: testIssuer,
      token_endpoint: expect.stringMatching(/\/oauth\/token$/) as string,
      jwks_uri: expect.stringMatching(/\/\.well-known\/jwks\.json$/) as string,
      grant_types_supported: ['client_credentials'],
    });
  });
});
