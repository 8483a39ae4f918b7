// The security suites' one way to send a request to a service in-process (Fastify's inject): a
// bearer token, extra headers and a JSON body, each optional, so every suite builds requests the
// same way and a route's answer is the only thing that differs between services.
import type { LightMyRequestResponse } from 'fastify';
import type { HttpApp } from '../../http/create-http-app.js';

export interface InjectOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Added last: they override the token and the content type. */
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
}

export type InjectCall = (
  method: string,
  url: string,
  options?: InjectOptions,
) => Promise<LightMyRequestResponse>;

/** A caller for the app `http()` returns at call time (suites build their app in beforeAll). */
export function injectCaller(http: () => Pick<HttpApp, 'inject'>): InjectCall {
  return (method, url, options = {}) =>
    http().inject({
      method: method as 'GET',
      url,
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
    });
}

/** `url` with `query` appended (`?` or `&` as the URL needs). */
export function withQuery(url: string, query: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}
