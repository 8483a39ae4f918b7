// The typed Socket.IO server of chat-service, and the names of the Socket.IO rooms it uses.
import type { AccessUser } from '@falablau/common';
import type { ClientToServerEvents, ServerToClientEvents } from '@falablau/common/contracts';
import type { Server, Socket } from 'socket.io';

/** What the handshake established about a connection; set once, read by every handler. */
export interface SocketData {
  user: AccessUser;
  /** Why the server closed the socket, when it was not the client (metrics). */
  closedBy?: string;
}

// No server-to-server events: processes talk through the Redis adapter's broadcasts only.
type InterServerEvents = Record<string, never>;

export type ChatServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

// Prefixes keep the three kinds of Socket.IO room apart (and apart from socket ids).
export const channels = {
  /** Everyone who joined chat room `roomId` on this connection. */
  room: (roomId: string) => `room:${roomId}`,
  /** Every socket of one user (several tabs, several pods). */
  user: (userId: string) => `user:${userId}`,
  /** Every socket opened with one login session's tokens: revocation closes them. */
  session: (sessionId: string) => `session:${sessionId}`,
} as const;
