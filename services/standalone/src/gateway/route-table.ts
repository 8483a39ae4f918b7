// Where a request goes, exactly as the ingress routes it (charts/falablau Ingress, DESIGN.md):
// `/api/<service>/…` to that service with the prefix stripped, `/socket.io/…` to chat-service
// unchanged, the platform's own `/health`, `/ready` and `/metrics`, and everything else to the
// web app. Paths are normalised first (dot segments), as nginx does before matching.

export type Destination = 'auth' | 'chat' | 'archive' | 'ops' | 'web' | 'unknown-api';

export interface Route {
  to: Destination;
  /** The URL the destination sees (path and query). */
  url: string;
}

const services = new Set<Destination>(['auth', 'chat', 'archive']);
const opsPaths = new Set(['/health', '/ready', '/metrics']);
const API = /^\/api\/([^/]+)(\/.*)?$/;

/** The path with `.` and `..` segments resolved; the query kept as sent. */
function normalise(rawUrl: string): { path: string; query: string } {
  // Concatenated, not resolved against a base: `//x` must stay a path, not become a host.
  const url = new URL(`http://gateway${rawUrl.startsWith('/') ? '' : '/'}${rawUrl}`);
  return { path: url.pathname, query: url.search };
}

export function isSocketIoPath(rawUrl: string): boolean {
  const { path } = normalise(rawUrl);
  return path === '/socket.io' || path.startsWith('/socket.io/');
}

export function routeRequest(rawUrl: string): Route {
  const { path, query } = normalise(rawUrl);
  if (path === '/socket.io' || path.startsWith('/socket.io/')) {
    return { to: 'chat', url: `${path}${query}` };
  }
  const api = API.exec(path);
  if (api) {
    const name = api[1] as Destination;
    const rest = api[2] ?? '/';
    return services.has(name)
      ? { to: name, url: `${rest}${query}` }
      : { to: 'unknown-api', url: `${path}${query}` };
  }
  if (path === '/api') return { to: 'unknown-api', url: `${path}${query}` };
  if (opsPaths.has(path)) return { to: 'ops', url: `${path}${query}` };
  return { to: 'web', url: `${path}${query}` };
}
