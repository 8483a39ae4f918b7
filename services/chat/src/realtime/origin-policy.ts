// Browsers do not apply CORS to WebSockets: any page may open one to us, with the user's
// cookies. Tokens are not cookies here, but the Origin check still keeps foreign pages from
// using a token they got hold of in a user's browser, and it is what the issue asks for.
//
// Policy (docs/chat-realtime.md): an Origin header must be one of CORS_ORIGINS or the origin
// the request was sent to (same origin: its host equals the Host header, which a page cannot
// forge). A request without Origin is not a browser page (curl, a mobile app, a load tester, a
// same-origin polling GET): it passes this check and must still present a valid token.
import type { IncomingMessage } from 'node:http';

export type OriginVerdict = 'allowed' | 'no-origin' | 'refused';

function normalise(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    // `new URL('null').origin` throws; `file:` and other opaque origins serialise as "null".
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

export function createOriginPolicy(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins.flatMap((o) => normalise(o) ?? []));

  return function judge(req: Pick<IncomingMessage, 'headers'>): OriginVerdict {
    const header = req.headers.origin;
    if (header === undefined) return 'no-origin';
    const origin = normalise(header);
    if (origin === undefined) return 'refused';
    if (allowed.has(origin)) return 'allowed';
    const host = req.headers.host?.toLowerCase();
    return host !== undefined && new URL(origin).host === host ? 'allowed' : 'refused';
  };
}
