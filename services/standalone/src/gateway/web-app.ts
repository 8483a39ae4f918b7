// The web app's build (web/dist) as static files: Vite's hashed assets cached for a year, every
// other file revalidated (ETag), and any other page path answered with index.html so the
// client-side router can take it (deep links, reloads). Without a build, a page says how to make
// one; files are looked up per request, so a build made while the server runs is served at once.
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController } from 'fastify';
import type { Logger } from '@falablau/common';

const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>FalaBLAU</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>FalaBLAU is running, but the web app is not built</h1>
<p>The APIs answer under <code>/api/auth</code>, <code>/api/chat</code> and
<code>/api/archive</code>, and Socket.IO under <code>/socket.io/</code>.</p>
<p>Build the web app with <code>npm run build -w @falablau/web</code>, then reload this page
(no restart needed).</p>
</body>
</html>
`;

/** Vite puts content-hashed files under assets/: a new build gets new names, so they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export async function createWebApp(webDist: string, logger: Logger) {
  // Static files are not worth a log line each; errors are still logged.
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const assets = `${join(webDist, 'assets')}${sep}`;
  const indexFile = join(webDist, 'index.html');

  await app.register(fastifyStatic, {
    root: webDist,
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
    },
  });

  app.setNotFoundHandler(async (request, reply) => {
    // A page (a route of the client-side router) rather than a missing file such as a script.
    const path = request.url.split('?')[0] ?? '/';
    const wantsPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      ((request.headers.accept ?? '').includes('text/html') || !/\.[\w]+$/.test(path));
    if (!wantsPage) {
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    }
    if (!existsSync(indexFile)) {
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(notBuiltPage);
    }
    return reply.header('cache-control', REVALIDATE).sendFile('index.html');
  });

  return app;
}
