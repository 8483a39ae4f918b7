// chat-service's own access token for internal calls (archive-service), obtained from auth-service
// with the OAuth2 client-credentials grant (openid-client does the protocol: client_secret_basic,
// the form, the RFC 6749 response and error checks). The token is cached and shared: concurrent
// callers wait for one request, it is renewed shortly before it expires, and a token the archive
// refused (401: keys rotated, auth restarted with new keys) is dropped at once.
import * as oauth from 'openid-client';
import { errors, type Logger } from '@falablau/common';

export interface ServiceTokenProvider {
  /** A token that is valid now; rejects with 503 UNAVAILABLE when none can be had. */
  token(): Promise<string>;
  /** `token` was refused: the next token() asks auth-service for a new one. */
  reject(token: string): void;
}

export interface ServiceTokenProviderOptions {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  timeoutMs: number;
  logger: Logger;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
  /** Tests count or break the requests. */
  fetch?: typeof fetch;
}

interface CachedToken {
  token: string;
  /** From here on, the next call renews it first. */
  renewAt: number;
  /** After this it is no longer handed out, even when renewing fails. */
  usableUntil: number;
}

/** Renew this long before expiry, at most: well before, yet not so early that tokens churn. */
const MAX_RENEW_AHEAD_MS = 60_000;
/** Never hand out a token closer than this to its expiry (clock skew, request time). */
const EXPIRY_MARGIN_MS = 5_000;
/** When auth-service gives no expires_in, assume this lifetime (RFC 6749 makes it optional). */
const DEFAULT_LIFETIME_S = 60;

function clientConfiguration(options: ServiceTokenProviderOptions): oauth.Configuration {
  const endpoint = new URL(options.tokenEndpoint);
  const config = new oauth.Configuration(
    // Only the token endpoint is used. The issuer value is not checked for this grant (no ID token).
    { issuer: endpoint.origin, token_endpoint: endpoint.href },
    options.clientId,
    options.clientSecret,
    oauth.ClientSecretBasic(options.clientSecret),
  );
  config.timeout = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  if (options.fetch) config[oauth.customFetch] = options.fetch;
  if (endpoint.protocol === 'http:') {
    // Inside the cluster auth-service is plain HTTP (TLS ends at the ingress). openid-client
    // marks this deprecated only to make the opt-out stand out.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    oauth.allowInsecureRequests(config);
  }
  return config;
}

function describeFailure(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) {
    return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function createServiceTokenProvider(
  options: ServiceTokenProviderOptions,
): ServiceTokenProvider {
  const now = options.now ?? Date.now;
  const config = clientConfiguration(options);
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  async function request(): Promise<CachedToken> {
    const started = now();
    let response: Awaited<ReturnType<typeof oauth.clientCredentialsGrant>>;
    try {
      response = await oauth.clientCredentialsGrant(config, { scope: options.scopes.join(' ') });
    } catch (error) {
      options.logger.warn(
        { err: error, tokenEndpoint: options.tokenEndpoint, clientId: options.clientId },
        `Cannot get a service token: ${describeFailure(error)}`,
      );
      throw errors.unavailable('Cannot get a service token from auth-service');
    }
    const lifetimeMs = (response.expiresIn() ?? DEFAULT_LIFETIME_S) * 1000;
    // Counted from before the request, so the time it took only makes us renew earlier.
    const expiresAt = started + lifetimeMs;
    return {
      token: response.access_token,
      renewAt: expiresAt - Math.min(MAX_RENEW_AHEAD_MS, lifetimeMs / 5),
      usableUntil: expiresAt - EXPIRY_MARGIN_MS,
    };
  }

  /** One request at a time, whoever asks. */
  function renew(): Promise<CachedToken> {
    inFlight ??= request()
      .then((fresh) => {
        cached = fresh;
        return fresh;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    async token() {
      const current = cached;
      if (current && now() < current.renewAt) return current.token;
      try {
        return (await renew()).token;
      } catch (error) {
        // Renewal is early on purpose: while auth-service is briefly away, the old one still works.
        if (current && cached === current && now() < current.usableUntil) return current.token;
        throw error;
      }
    },

    reject(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
