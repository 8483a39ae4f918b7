// Small request helpers so tests read as the story they check.
import { randomBytes } from 'node:crypto';
import type { HttpApp } from '@falablau/common';
import type { TokenResponse } from '../routes/schemas.js';

export const password = 'correct horse battery staple';

let counter = 0;
/** A fresh, valid username (tests share one database per file). */
export function uniqueUsername(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${counter}_${randomBytes(3).toString('hex')}`;
}

export function post(
  app: HttpApp,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url,
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    headers,
  });
}

export function get(app: HttpApp, url: string, accessToken?: string) {
  return app.inject({
    method: 'GET',
    url,
    headers: accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` },
  });
}

export async function registerUser(
  app: HttpApp,
  username = uniqueUsername(),
  pass = password,
): Promise<TokenResponse> {
  const res = await post(app, '/register', { username, password: pass });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  return res.json<TokenResponse>();
}

export async function login(
  app: HttpApp,
  username: string,
  pass = password,
): Promise<TokenResponse> {
  const res = await post(app, '/login', { username, password: pass });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return res.json<TokenResponse>();
}
