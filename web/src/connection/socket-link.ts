// The one place that touches socket.io-client: a typed, narrow "link" the connection controller
// and the chat client use (and tests replace with a fake). Acknowledged events time out, and
// nothing is buffered while disconnected: callers decide what to resend after reconnecting.
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ChatMessage,
  ClientToServerEvents,
  JoinRoomPayload,
  JoinRoomResult,
  LeaveRoomPayload,
  SendMessagePayload,
  ServerToClientEvents,
  TypingPayload,
} from '@falablau/common/contracts';

export type LinkEvent =
  | { type: 'connect' }
  /** `willReconnect`: Socket.IO tries again by itself (network loss, server restart). */
  | { type: 'disconnect'; reason: string; willReconnect: boolean }
  /** `willRetry` false: the server refused the handshake (e.g. the token), no retry follows. */
  | { type: 'connect_error'; message: string; unauthorized: boolean; willRetry: boolean }
  | { type: 'reconnect_attempt'; attempt: number };

export interface RealtimeLink {
  readonly connected: boolean;
  /** The access token the latest handshake carried. */
  readonly handshakeToken: string | undefined;
  connect(): void;
  disconnect(): void;
  joinRoom(payload: JoinRoomPayload): Promise<Ack<JoinRoomResult>>;
  leaveRoom(payload: LeaveRoomPayload): Promise<Ack>;
  sendMessage(payload: SendMessagePayload): Promise<Ack<{ message: ChatMessage }>>;
  typing(payload: TypingPayload): Promise<Ack>;
  onServerEvents(handlers: ServerToClientEvents): () => void;
  onLinkEvent(listener: (event: LinkEvent) => void): () => void;
}

export class NotConnectedError extends Error {
  constructor() {
    super('Not connected to the chat server');
    this.name = 'NotConnectedError';
  }
}

export interface SocketLinkOptions {
  /** Origin of the chat server; undefined for the page's own origin. */
  url: string | undefined;
  path: string;
  /** 'websocket' alone by default (see docs): polling across pods needs sticky sessions. */
  transports: ('websocket' | 'polling' | 'webtransport')[];
  getToken: () => Promise<string>;
  ackTimeoutMs?: number;
}

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function createSocketLink(options: SocketLinkOptions): RealtimeLink {
  const timeoutMs = options.ackTimeoutMs ?? 10_000;
  let handshakeToken: string | undefined;
  const socketOptions = {
    path: options.path,
    transports: options.transports,
    tryAllTransports: options.transports.length > 1,
    autoConnect: false,
    // Its own Manager: socket.io-client would otherwise share one per URL between links (a new
    // user's link would reuse the previous one's socket and auth callback).
    forceNew: true,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    // A function: every (re)connection reads the current token, refreshed if it was about to expire.
    auth: (send: (data: object) => void) => {
      options.getToken().then(
        (token) => {
          handshakeToken = token;
          send({ token });
        },
        () => {
          send({});
        },
      );
    },
  };
  const socket: ChatSocket =
    options.url === undefined ? io(socketOptions) : io(options.url, socketOptions);

  const whenConnected = <T>(send: () => Promise<T>): Promise<T> =>
    socket.connected ? send() : Promise.reject(new NotConnectedError());

  return {
    get connected() {
      return socket.connected;
    },
    get handshakeToken() {
      return handshakeToken;
    },
    connect: () => {
      socket.connect();
    },
    disconnect: () => {
      socket.disconnect();
    },
    joinRoom: (payload) =>
      whenConnected(() => socket.timeout(timeoutMs).emitWithAck('join_room', payload)),
    leaveRoom: (payload) =>
      whenConnected(() => socket.timeout(timeoutMs).emitWithAck('leave_room', payload)),
    sendMessage: (payload) =>
      whenConnected(() => socket.timeout(timeoutMs).emitWithAck('send_message', payload)),
    typing: (payload) =>
      whenConnected(() => socket.timeout(timeoutMs).emitWithAck('typing', payload)),
    onServerEvents(handlers) {
      socket.on('message', handlers.message);
      socket.on('typing', handlers.typing);
      socket.on('user_joined', handlers.user_joined);
      socket.on('user_left', handlers.user_left);
      socket.on('presence', handlers.presence);
      return () => {
        socket.off('message', handlers.message);
        socket.off('typing', handlers.typing);
        socket.off('user_joined', handlers.user_joined);
        socket.off('user_left', handlers.user_left);
        socket.off('presence', handlers.presence);
      };
    },
    onLinkEvent(listener) {
      const onConnect = () => {
        listener({ type: 'connect' });
      };
      const onDisconnect = (reason: string) => {
        listener({ type: 'disconnect', reason, willReconnect: socket.active });
      };
      const onConnectError = (error: Error & { data?: unknown }) => {
        const data = error.data as { code?: unknown } | undefined;
        listener({
          type: 'connect_error',
          message: error.message,
          unauthorized: data?.code === 'UNAUTHORIZED',
          willRetry: socket.active,
        });
      };
      const onAttempt = (attempt: number) => {
        listener({ type: 'reconnect_attempt', attempt });
      };
      socket.on('connect', onConnect);
      socket.on('disconnect', onDisconnect);
      socket.on('connect_error', onConnectError);
      socket.io.on('reconnect_attempt', onAttempt);
      return () => {
        socket.off('connect', onConnect);
        socket.off('disconnect', onDisconnect);
        socket.off('connect_error', onConnectError);
        socket.io.off('reconnect_attempt', onAttempt);
      };
    },
  };
}
