// JSON over fetch: one place that sends bodies and bearer tokens, reads `{error: {code, message}}`
// answers and Retry-After, and validates successful bodies with a zod schema.
import type { z } from 'zod';
import { ApiError } from './api-error';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpOptions {
  /** Prefix of every path: '' for the same origin. */
  baseUrl: string;
  fetch: FetchLike;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  token?: string;
}

/** Sends a request; any answer but 2xx becomes an ApiError. */
export async function send(
  http: HttpOptions,
  path: string,
  { method = 'GET', body, token }: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await http.fetch(`${http.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check your connection.');
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

/** Sends a request and validates the JSON answer with `schema`. */
export async function requestJson<S extends z.ZodType>(
  http: HttpOptions,
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.infer<S>> {
  const response = await send(http, path, options);
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent an unexpected answer.');
  }
  return parsed.data;
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined;
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: unknown; message?: unknown } } | undefined;
  const code = typeof body?.error?.code === 'string' ? body.error.code : `HTTP_${response.status}`;
  const message =
    typeof body?.error?.message === 'string'
      ? body.error.message
      : `The server answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, code, message, retryAfterSeconds);
}
