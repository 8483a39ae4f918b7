// The one HTTP server of the standalone mode, in the ingress's place. It never proxies: each
// request is handed, URL rewritten, to the `request` listeners of the destination app's own Node
// server (Fastify's handler, and for chat also Socket.IO's), and WebSocket upgrades under
// /socket.io/ to chat's server, where Socket.IO is attached. The apps see the real client socket
// (address, keep-alive, backpressure) as if they had accepted it themselves.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@falablau/common';
import { isSocketIoPath, routeRequest, type Destination } from './route-table.js';

export type Targets = Record<Exclude<Destination, 'unknown-api'>, Server>;

export interface Gateway {
  /** Listens; resolves to the port (useful with port 0). Answers 503 until `open`. */
  listen(port: number, host: string): Promise<number>;
  /** From now on requests reach the apps. */
  open(targets: Targets): void;
  /**
   * Stops accepting, answers 503 to requests on kept-alive connections and waits (at most
   * `graceMs`) for the requests in flight. Long-polls and WebSockets are left to chat's own
   * shutdown; `destroyConnections` ends whatever remains afterwards.
   */
  drain(graceMs: number): Promise<void>;
  destroyConnections(): void;
}

function unavailable(res: ServerResponse, message: string, closing: boolean): void {
  res.writeHead(503, {
    'content-type': 'application/json; charset=utf-8',
    'retry-after': '1',
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message } }));
}

function notFound(res: ServerResponse, url: string): void {
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `No API at ${url}` } }));
}

export function createGateway(logger: Logger): Gateway {
  const server = createServer();
  let targets: Targets | undefined;
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const finished = () => {
    inFlight -= 1;
    if (inFlight === 0) drained?.();
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      unavailable(res, 'Shutting down', true);
      return;
    }
    if (!targets) {
      unavailable(res, 'Starting up', false);
      return;
    }
    const route = routeRequest(req.url ?? '/');
    if (route.to === 'unknown-api') {
      notFound(res, route.url);
      return;
    }
    // Socket.IO long-polls hang for up to a ping interval: chat's shutdown ends them, not us.
    if (!isSocketIoPath(route.url)) {
      inFlight += 1;
      res.once('close', finished);
    }
    req.url = route.url;
    targets[route.to].emit('request', req, res);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!targets || closing || !isSocketIoPath(req.url ?? '/')) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    targets.chat.emit('upgrade', req, socket, head);
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    logger.debug({ err: error }, 'bad request from client');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address !== null ? address.port : port);
        });
      }),

    open(next) {
      targets = next;
    },

    async drain(graceMs) {
      closing = true;
      server.close();
      server.closeIdleConnections();
      if (inFlight === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          drained = resolve;
        }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (inFlight > 0) logger.warn({ inFlight }, 'requests still running after the grace period');
    },

    destroyConnections() {
      server.closeAllConnections();
    },
  };
}
