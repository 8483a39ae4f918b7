// The upgrade request is released on a real Socket.IO server (the engine.io version we run), and
// the connection keeps working: events, acks and the close that ends it.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { releaseUpgradeRequest } from './release-upgrade.js';
import type { ChatSocket } from './socket-types.js';

let http: HttpServer;
let server: Server;
let url: string;
const clients: ClientSocket[] = [];

interface Seen {
  released: boolean;
  closeListenersBefore: string[];
  closeListenersAfter: string[];
  requestAfter: unknown;
  headersAfter: unknown;
}

let onConnection: (seen: Seen) => void = () => undefined;

beforeAll(async () => {
  http = createServer();
  server = new Server(http, { serveClient: false });
  server.on('connection', (socket) => {
    const tcp = (socket.conn as unknown as { request: { socket: NetSocket } }).request.socket;
    const closeListenersBefore = tcp.listeners('close').map(String);
    const released = releaseUpgradeRequest(socket as unknown as ChatSocket);
    onConnection({
      released,
      closeListenersBefore,
      closeListenersAfter: tcp.listeners('close').map(String),
      requestAfter: socket.request,
      headersAfter: socket.handshake.headers,
    });
    socket.on('echo', (value: unknown, ack: (reply: unknown) => void) => {
      ack(value);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${String((http.address() as AddressInfo).port)}`;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

afterAll(async () => {
  await server.close();
});

function connected(): Promise<Seen> {
  return new Promise((resolve) => {
    onConnection = resolve;
    clients.push(connect(url, { transports: ['websocket'], reconnection: false, forceNew: true }));
  });
}

describe('releaseUpgradeRequest', () => {
  test("when a WebSocket connects, then engine.io's response listener and the request are released, and the socket keeps working", async () => {
    const seen = await connected();
    const client = clients[0];
    if (!client) throw new Error('no client');

    expect(seen.closeListenersBefore).toContain('() => this.emit("close")');
    expect(seen.released).toBe(true);
    expect(seen.closeListenersAfter).not.toContain('() => this.emit("close")');
    expect(seen.closeListenersAfter.length).toBe(seen.closeListenersBefore.length - 1);
    expect(seen.requestAfter).toBeNull();
    expect(seen.headersAfter).toEqual({});

    await expect(client.timeout(2_000).emitWithAck('echo', { n: 1 })).resolves.toEqual({ n: 1 });

    const serverSide = [...server.of('/').sockets.values()][0];
    const gone = new Promise<string>((resolve) => serverSide?.once('disconnect', resolve));
    client.disconnect();
    await expect(gone).resolves.toBe('client namespace disconnect');
  });

  test('when a client is on long-polling, then there is no such listener, the request is still dropped, and the socket works', async () => {
    // Engine.IO's polling protocol by hand (socket.io-client's polling transport leaves requests
    // behind after the test ends): open, CONNECT, an event with an ack, close.
    const base = `${url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    const session = `${base}&sid=${sid}`;
    const post = async (body: string) => {
      const response = await fetch(session, { method: 'POST', body });
      expect(await response.text()).toBe('ok');
    };
    const poll = async () => (await (await fetch(session)).text()).split('\x1e');

    const seenPromise = new Promise<Seen>((resolve) => {
      onConnection = resolve;
    });
    await post('40');
    const seen = await seenPromise;
    expect((await poll())[0]).toMatch(/^40\{"sid":/);

    expect(seen.released).toBe(false);
    expect(seen.closeListenersAfter).toEqual(seen.closeListenersBefore);
    expect(seen.requestAfter).toBeNull();
    expect(seen.headersAfter).toEqual({});

    await post('421["echo","polled"]');
    expect(await poll()).toEqual(['431["polled"]']);
    await post('1');
  });
});
