// The web image's server block (web/nginx.conf) against what a single-page app behind an
// entry point needs: the contract's port and /healthz, hashed assets cached for a year and
// never answered with the app shell, every other path falling back to index.html, index.html
// revalidated on each load, and the security headers in force in every location.
import {
  effective,
  headers,
  locationFor,
  mapValue,
  servers,
  type Directive,
} from '../compose/nginx-conf.js';

/** Headers every answer of the web server carries, and a test of each value. */
const SECURITY_HEADERS: Readonly<Record<string, (value: string) => string | undefined>> = {
  'content-security-policy': (csp) => {
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0] !== undefined && d[0] !== '')
        .map(([name = '', ...values]) => [name, values]),
    );
    const script = directives.get('script-src') ?? directives.get('default-src') ?? [];
    const connect = directives.get('connect-src') ?? directives.get('default-src') ?? [];
    if (script.some((s) => s === "'unsafe-inline'" || s === "'unsafe-eval'")) {
      return 'allows inline or eval scripts';
    }
    if (!connect.includes("'self'")) return "connect-src lacks 'self' (REST and the WebSocket)";
    if (!directives.has('frame-ancestors')) return 'has no frame-ancestors';
    if (!(directives.get('object-src') ?? []).includes("'none'")) return "object-src is not 'none'";
    return undefined;
  },
  'x-content-type-options': (value) => (value === 'nosniff' ? undefined : 'is not nosniff'),
  'referrer-policy': (value) => (value === '' ? 'is empty' : undefined),
  'x-frame-options': (value) => (/^(deny|sameorigin)$/i.test(value) ? undefined : 'is not DENY'),
};

/** What a response for `path` carries: the location, its headers and the final URI. */
function serve(top: Directive[], server: Directive, parents: Directive[], path: string) {
  const location = locationFor(server, path);
  const tryFiles = location?.block?.find((d) => d.name === 'try_files')?.args ?? [];
  // A path that is no file falls through to try_files' last argument (a URI or =code).
  const fallback = tryFiles.at(-1);
  return {
    location,
    fallback,
    headers: headers(
      effective(top, [...parents, server, ...(location ? [location] : [])], 'add_header'),
    ),
  };
}

function cacheControl(top: Directive[], value: string | undefined, uri: string): string {
  if (value === undefined) return '';
  return value.startsWith('$') ? (mapValue(top, value, uri) ?? '') : value;
}

export function webServerProblems(top: Directive[], port: number, healthPath: string): string[] {
  const [entry] = servers(top);
  if (!entry) return ['no server block'];
  const { server, parents } = entry;
  const problems: string[] = [];
  const own = server.block ?? [];

  const listen = own.find((d) => d.name === 'listen')?.args[0];
  if (listen?.split(':').at(-1) !== String(port))
    problems.push(`does not listen on ${String(port)}`);
  if (own.find((d) => d.name === 'server_tokens')?.args[0] !== 'off') {
    problems.push('announces its version (server_tokens off)');
  }

  const health = locationFor(server, healthPath);
  if (
    health?.args[0] !== '=' ||
    health.block?.find((d) => d.name === 'return')?.args[0] !== '200'
  ) {
    problems.push(`location = ${healthPath} does not return 200`);
  }

  const asset = '/assets/index-0a1b2c3d.js';
  const assetServed = serve(top, server, parents, asset);
  if (assetServed.fallback !== '=404') {
    problems.push(
      `a missing ${asset} is answered with ${assetServed.fallback ?? 'the default'}, not 404`,
    );
  }
  const assetCache = cacheControl(top, assetServed.headers.get('cache-control'), asset);
  if (!/max-age=31536000/.test(assetCache) || !/immutable/.test(assetCache)) {
    problems.push(
      `hashed assets are not cached for a year as immutable (${assetCache || 'no header'})`,
    );
  }

  const route = serve(top, server, parents, '/rooms/3f2a');
  if (route.fallback !== '/index.html') {
    problems.push('client-side routes (/rooms/<id>) do not fall back to /index.html');
  }
  const index = serve(top, server, parents, '/index.html');
  const indexCache = cacheControl(top, index.headers.get('cache-control'), '/index.html');
  if (!/no-cache|no-store|max-age=0\b/.test(indexCache)) {
    problems.push(`index.html is not revalidated on each load (${indexCache || 'no header'})`);
  }

  for (const [path, served] of [
    ['/', serve(top, server, parents, '/')],
    [asset, assetServed],
    [healthPath, serve(top, server, parents, healthPath)],
  ] as const) {
    for (const [name, check] of Object.entries(SECURITY_HEADERS)) {
      const value = served.headers.get(name);
      const problem = value === undefined ? 'is missing' : check(value);
      if (problem !== undefined) problems.push(`${path}: ${name} ${problem}`);
    }
  }
  return problems;
}
