/**
 * @jest-environment node
 */
// The link against a real Socket.IO server on 127.0.0.1: the reasons and flags the connection
// controller relies on are socket.io-client's actual behaviour, not assumptions.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@falablau/common/contracts';
import { BO, ROOM_ID, message, room } from '../test/fakes';
import {
  NotConnectedError,
  createSocketLink,
  type LinkEvent,
  type RealtimeLink,
} from './socket-link';

let http: HttpServer;
let io: Server<ClientToServerEvents, ServerToClientEvents>;
let url: string;
let links: RealtimeLink[] = [];

beforeEach(async () => {
  http = createServer();
  io = new Server(http, { path: '/socket.io' });
  io.use((socket, next) => {
    const { token } = socket.handshake.auth as { token?: unknown };
    if (token === 'good') {
      next();
      return;
    }
    next(Object.assign(new Error('Invalid access token'), { data: { code: 'UNAUTHORIZED' } }));
  });
  io.on('connection', (socket) => {
    socket.on('join_room', (payload, ack) => {
      ack({
        ok: true,
        room: room({ id: payload.roomId }),
        online: [BO],
        missed: [],
        hasMoreMissed: false,
      });
      socket.emit('message', message(1));
    });
    socket.on('typing', () => undefined); // never answered: the ack times out
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const link of links) link.disconnect();
  links = [];
  await io.close();
});

function open(token: string) {
  const link = createSocketLink({
    url,
    path: '/socket.io',
    transports: ['websocket'],
    getToken: () => Promise.resolve(token),
    ackTimeoutMs: 300,
  });
  links.push(link);
  const events: LinkEvent[] = [];
  link.onLinkEvent((event) => events.push(event));
  const next = (type: LinkEvent['type']) =>
    new Promise<LinkEvent>((resolve) => {
      const stop = link.onLinkEvent((event) => {
        if (event.type === type) {
          stop();
          resolve(event);
        }
      });
    });
  return { link, events, next };
}

describe('socket link', () => {
  it('when the token is accepted, then events and acks round-trip with the token in the handshake', async () => {
    const { link, next } = open('good');
    const received: number[] = [];
    link.onServerEvents({
      message: (m) => received.push(m.seq),
      typing: () => undefined,
      user_joined: () => undefined,
      user_left: () => undefined,
      presence: () => undefined,
    });
    await expect(link.joinRoom({ roomId: ROOM_ID })).rejects.toBeInstanceOf(NotConnectedError);
    link.connect();
    await next('connect');
    expect(link.handshakeToken).toBe('good');
    const ack = await link.joinRoom({ roomId: ROOM_ID });
    expect(ack).toMatchObject({ ok: true, online: [BO] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([1]);
  });

  it('when an ack does not come in time, then the request rejects', async () => {
    const { link, next } = open('good');
    link.connect();
    await next('connect');
    await expect(link.typing({ roomId: ROOM_ID, isTyping: true })).rejects.toThrow(/timed out/);
  });

  it('when the handshake is refused, then connect_error says unauthorized and no retry follows', async () => {
    const { link, next } = open('bad');
    link.connect();
    expect(await next('connect_error')).toEqual({
      type: 'connect_error',
      message: 'Invalid access token',
      unauthorized: true,
      willRetry: false,
    });
  });

  it('when the server disconnects the socket, then the reason is "io server disconnect" without reconnection', async () => {
    const { link, next } = open('good');
    link.connect();
    await next('connect');
    const disconnected = next('disconnect');
    io.disconnectSockets(true);
    expect(await disconnected).toEqual({
      type: 'disconnect',
      reason: 'io server disconnect',
      willReconnect: false,
    });
  });

  it('when the transport closes (server shutting down), then Socket.IO reconnects by itself', async () => {
    const { link, next } = open('good');
    link.connect();
    await next('connect');
    const disconnected = next('disconnect');
    for (const socket of io.sockets.sockets.values()) socket.conn.close();
    expect(await disconnected).toEqual({
      type: 'disconnect',
      reason: 'transport close',
      willReconnect: true,
    });
    await next('connect');
    expect(link.connected).toBe(true);
  });
});
