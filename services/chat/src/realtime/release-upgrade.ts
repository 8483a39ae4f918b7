// Memory per idle socket (docs/performance.md, P1): once a WebSocket connection is established
// and authenticated, the HTTP upgrade request that opened it is of no further use to us, but it
// stays reachable for the life of the connection, with its headers, from two places:
//   - Engine.IO's socket (`socket.conn.request`, also `socket.request` in Socket.IO), and
//   - Engine.IO's WebSocketResponse, a stand-in response it builds for `engine.use()` middlewares,
//     which registers `socket.once("close", () => this.emit("close"))` on the TCP socket and so
//     keeps itself and the request alive until the connection closes.
// Together about 1.9 KB of JS heap per connection: 15 % of an idle socket. We use no Engine.IO
// middlewares, so nobody listens for that response's "close"; the listener can go. (A client that
// starts on long-polling and upgrades later keeps its upgrade's response: the web app and the
// benchmarks connect over WebSocket directly, VITE_SOCKET_TRANSPORTS=websocket.)
import type { Socket as NetSocket } from 'node:net';
import type { ChatSocket } from './socket-types.js';

/** The body of engine.io's listener (engine.io 6.6, build/server.js, class WebSocketResponse). */
const RESPONSE_CLOSE_LISTENER = '() => this.emit("close")';

/**
 * Drops the connection's references to its upgrade request and the request's headers. Returns
 * whether engine.io's response listener was found (a test pins it, so an engine.io upgrade that
 * changes it is noticed rather than silently costing memory again).
 */
export function releaseUpgradeRequest(socket: ChatSocket): boolean {
  const conn = socket.conn as unknown as { request: { socket?: NetSocket } | null };
  const tcp = conn.request?.socket;
  let released = false;
  if (tcp) {
    for (const listener of tcp.listeners('close')) {
      if (listener.toString() === RESPONSE_CLOSE_LISTENER) {
        tcp.removeListener('close', listener as (...args: unknown[]) => void);
        released = true;
      }
    }
  }
  conn.request = null;
  socket.handshake.headers = {};
  return released;
}
