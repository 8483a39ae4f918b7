// P7's yardstick: what someone would write instead of chat-service if all they wanted were rooms
// and broadcast across processes — Socket.IO with the Redis adapter, the access token checked at
// the handshake, `join_room` and `send_message` with acknowledgements, and nothing else: no
// database, no idempotency, no seq, no outbox, no rate limits, no presence, no metrics.
// The generator speaks to it exactly as to chat-service.
//
//   PORT=0 REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY=bench-ref AUTH_SERVICE_URL=http://… \
//     node bench/dist/reference/server.js
//
// Prints `{"port":N}` on stdout (and sends it over IPC when forked) once it listens.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Server } from 'socket.io';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const pub = new Redis(env('REDIS_URL'));
const sub = pub.duplicate();
const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', env('AUTH_SERVICE_URL')));
const issuer = env('JWT_ISSUER', 'falablau-auth');
const audience = env('JWT_AUDIENCE', 'falablau');

const httpServer = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
});
const io = new Server(httpServer, {
  serveClient: false,
  transports: ['websocket'],
  adapter: createAdapter(pub, sub, { key: env('REDIS_KEY', 'bench-ref') }),
});

io.use((socket, next) => {
  const token = (socket.handshake.auth as { token?: unknown }).token;
  if (typeof token !== 'string') {
    next(new Error('token required'));
    return;
  }
  jwtVerify(token, jwks, { issuer, audience, algorithms: ['ES256'] }).then(
    ({ payload }) => {
      socket.data = { userId: payload.sub, username: payload.username };
      next();
    },
    () => {
      next(new Error('invalid token'));
    },
  );
});

type Ack = (reply: unknown) => void;
let seq = 0;

io.on('connection', (socket) => {
  const { userId, username } = socket.data as { userId: string; username: string };
  socket.on('join_room', (payload: { roomId?: unknown } | undefined, ack?: Ack) => {
    if (typeof payload?.roomId !== 'string') {
      ack?.({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      return;
    }
    void socket.join(payload.roomId);
    ack?.({ ok: true });
  });
  socket.on(
    'send_message',
    (payload: { roomId?: unknown; text?: unknown } | undefined, ack?: Ack) => {
      if (typeof payload?.roomId !== 'string' || typeof payload.text !== 'string') {
        ack?.({ ok: false, error: { code: 'VALIDATION_FAILED' } });
        return;
      }
      seq += 1;
      const message = {
        id: randomUUID(),
        roomId: payload.roomId,
        seq,
        userId,
        username,
        text: payload.text,
        createdAt: new Date().toISOString(),
      };
      ack?.({ ok: true, message });
      socket.to(payload.roomId).emit('message', message);
    },
  );
});

httpServer.listen(Number(env('PORT', '0')), '127.0.0.1', () => {
  const { port } = httpServer.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.send?.({ port });
});

const stop = () => {
  void io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
