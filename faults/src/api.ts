// The REST calls of the set-up, through the cluster's entry (nginx), as the web app makes them.
// A busy or briefly unavailable service (429, 502, 503, a refused connection) is retried a
// bounded number of times; anything else fails with the status and body.
import { sleep } from './timing.js';

export interface SignedInUser {
  userId: string;
  username: string;
  accessToken: string;
}

const retryable = new Set([429, 502, 503, 504]);

async function request(
  what: string,
  url: string,
  init: { method: string; body?: unknown; token?: string },
  expected: number[],
): Promise<unknown> {
  let last = '';
  for (let attempt = 1; attempt <= 6; attempt += 1) {
    let status = 0;
    let text = '';
    let retryAfter = 0;
    try {
      const response = await fetch(url, {
        method: init.method,
        headers: {
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(15_000),
      });
      status = response.status;
      text = await response.text();
      retryAfter = Number(response.headers.get('retry-after') ?? 0);
    } catch (error) {
      last = `no answer (${error instanceof Error ? error.message : String(error)})`;
    }
    if (expected.includes(status)) return text === '' ? undefined : (JSON.parse(text) as unknown);
    if (status !== 0 && !retryable.has(status)) {
      throw new Error(`${what}: ${init.method} ${url} answered ${status}: ${text.slice(0, 300)}`);
    }
    if (status !== 0) last = `${status} ${text.slice(0, 200)}`;
    await sleep(Math.min(5_000, retryAfter > 0 ? retryAfter * 1_000 : 500 * attempt));
  }
  throw new Error(`${what}: ${init.method} ${url}: still failing after 6 attempts: ${last}`);
}

export async function register(
  baseUrl: string,
  username: string,
  password: string,
): Promise<SignedInUser> {
  const body = (await request(
    `register ${username}`,
    `${baseUrl}/api/auth/register`,
    { method: 'POST', body: { username, password } },
    [201],
  )) as { accessToken: string; user: { id: string; username: string } };
  return { userId: body.user.id, username: body.user.username, accessToken: body.accessToken };
}

export async function createRoom(baseUrl: string, token: string, name: string): Promise<string> {
  const room = (await request(
    `create room ${name}`,
    `${baseUrl}/api/chat/rooms`,
    { method: 'POST', body: { name }, token },
    [201],
  )) as { id: string };
  return room.id;
}
