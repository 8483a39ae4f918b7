// A kafkajs socketFactory the tests can switch off: "the broker went away" without touching the
// shared broker other tests use. While cut, open sockets are destroyed and new connections go
// to a port nobody listens on (connection refused), as with a stopped broker.
import { createServer, connect, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

export interface TestNetwork {
  socketFactory: ISocketFactory;
  cut(): void;
  restore(): void;
}

/** A local port that refuses connections: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function createTestNetwork(): Promise<TestNetwork> {
  const deadPort = await closedPort();
  const sockets = new Set<Socket>();
  let down = false;
  return {
    socketFactory: ({ host, port, onConnect }) => {
      const socket = down
        ? connect({ host: '127.0.0.1', port: deadPort }, onConnect)
        : connect({ host, port }, onConnect);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      return socket;
    },
    cut: () => {
      down = true;
      for (const socket of sockets) socket.destroy(new Error('test network cut'));
    },
    restore: () => {
      down = false;
    },
  };
}
