// A RealtimeLink double: tests decide how the "server" answers each event (or hold the answer
// back), push server events, and play connection events.
import { jest } from '@jest/globals';
import type {
  Ack,
  ChatMessage,
  JoinRoomPayload,
  JoinRoomResult,
  LeaveRoomPayload,
  SendMessagePayload,
  ServerToClientEvents,
  TypingPayload,
} from '@falablau/common/contracts';
import { NotConnectedError, type LinkEvent, type RealtimeLink } from '../connection/socket-link';

type Handler<P, R> = (payload: P) => Promise<R>;

export class FakeLink implements RealtimeLink {
  connected = false;
  handshakeToken: string | undefined = 'access-0';
  /** Where connect() gets the handshake token, as the real link's auth callback does. */
  tokenSource: (() => Promise<string>) | undefined;
  readonly connect = jest.fn(() => {
    void this.tokenSource?.().then((token) => {
      this.handshakeToken = token;
    });
  });
  readonly disconnect = jest.fn(() => {
    this.connected = false;
  });
  readonly joins: JoinRoomPayload[] = [];
  readonly sends: SendMessagePayload[] = [];
  readonly typings: TypingPayload[] = [];
  readonly leaves: LeaveRoomPayload[] = [];

  onJoin: Handler<JoinRoomPayload, Ack<JoinRoomResult>> = () =>
    Promise.reject(new Error('no join handler'));
  onSend: Handler<SendMessagePayload, Ack<{ message: ChatMessage }>> = () =>
    Promise.reject(new Error('no send handler'));
  onLeave: Handler<LeaveRoomPayload, Ack> = () => Promise.resolve({ ok: true });

  private server: ServerToClientEvents | undefined;
  private readonly linkListeners = new Set<(event: LinkEvent) => void>();

  joinRoom(payload: JoinRoomPayload) {
    if (!this.connected) return Promise.reject(new NotConnectedError());
    this.joins.push(payload);
    return this.onJoin(payload);
  }
  sendMessage(payload: SendMessagePayload) {
    if (!this.connected) return Promise.reject(new NotConnectedError());
    this.sends.push(payload);
    return this.onSend(payload);
  }
  leaveRoom(payload: LeaveRoomPayload) {
    this.leaves.push(payload);
    return this.onLeave(payload);
  }
  typing(payload: TypingPayload): Promise<Ack> {
    this.typings.push(payload);
    return Promise.resolve({ ok: true });
  }
  onServerEvents(handlers: ServerToClientEvents) {
    this.server = handlers;
    return () => {
      this.server = undefined;
    };
  }
  onLinkEvent(listener: (event: LinkEvent) => void) {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  /** The server pushes an event. */
  get push(): ServerToClientEvents {
    if (!this.server) throw new Error('nobody listens to server events');
    return this.server;
  }

  /** Plays a connection event, updating `connected` the way socket.io-client does. */
  emitLink(event: LinkEvent) {
    if (event.type === 'connect') this.connected = true;
    if (event.type === 'disconnect') this.connected = false;
    for (const listener of [...this.linkListeners]) listener(event);
  }
}
