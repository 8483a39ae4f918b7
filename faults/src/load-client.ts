// One simulated user: a real socket.io-client through the cluster's entry, behaving like the web
// app (web/src/chat/chat-client.ts, connection/socket-link.ts; the send policy is the same code,
// @falablau/common/contracts send-policy.ts):
//   - WebSocket transport, reconnection 1 s → 10 s, acknowledged events time out after 10 s;
//   - after every (re)connection each room is joined with `afterSeq` = the last seq up to which
//     nothing is missing, again while the server says `hasMoreMissed`; a join that fails or gets
//     no answer is tried again after 3 s;
//   - a live message beyond a missing seq starts a 2 s timer, after which the room is rejoined if
//     the gap is still there;
//   - messages are sent one at a time per room, each with its own clientMsgId; a send that is not
//     acknowledged (timeout, dropped socket) or refused with UNAVAILABLE / RATE_LIMITED / INTERNAL
//     is sent again with the SAME clientMsgId after 1 s, 2 s, 4 s … (at most 15 s), once connected
//     and joined again; NOT_A_MEMBER rejoins first.
// One difference: the web app stops after 8 attempts and lets the person press "retry"; the
// runner keeps retrying (that person) until the phase's drain deadline.
// Everything sent, acknowledged and received goes into the Ledger.
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  rateLimitWait,
  retryDelay,
  sendActions,
  type Ack,
  type ChatMessage,
  type ClientToServerEvents,
  type JoinRoomPayload,
  type JoinRoomResult,
  type SendMessagePayload,
  type ServerToClientEvents,
} from '@falablau/common/contracts';
import type { SignedInUser } from './api.js';
import type { Ledger } from './ledger.js';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** An acknowledged emit with a timeout (socket.io-client's own typing of it degrades to any). */
function request<T>(
  socket: ChatSocket,
  timeoutMs: number,
  event: 'join_room' | 'send_message',
  payload: JoinRoomPayload | SendMessagePayload,
): Promise<T> {
  const pending: Promise<unknown> = socket.timeout(timeoutMs).emitWithAck(event, payload);
  return pending as Promise<T>;
}

export interface ClientEvent {
  userId: string;
  type: 'disconnect' | 'connect_error' | 'join_refused' | 'send_refused' | 'server_disconnect';
  detail: string;
}

export interface LoadClientOptions {
  baseUrl: string;
  user: SignedInUser;
  rooms: readonly string[];
  ledger: Ledger;
  /** The current phase's name, stamped on every message written. */
  phase: () => string;
  ackTimeoutMs?: number;
  gapWaitMs?: number;
  joinRetryMs?: number;
  onEvent?: (event: ClientEvent) => void;
}

export class LoadClient {
  readonly user: SignedInUser;
  readonly rooms: readonly string[];
  private readonly socket: ChatSocket;
  private readonly queues = new Map<string, string[]>();
  private readonly joined = new Set<string>();
  private readonly joining = new Set<string>();
  private readonly joinAgain = new Set<string>();
  private readonly flushing = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly gapTimers = new Map<string, NodeJS.Timeout>();
  private readonly attemptCounts = new Map<string, number>();
  private readonly ackTimeoutMs: number;
  private readonly gapWaitMs: number;
  private readonly joinRetryMs: number;
  private closed = false;
  private counter = 0;
  private nextRoom = 0;
  /** When the latest acknowledgement of one of this user's messages arrived. */
  lastAckAt = 0;
  connects = 0;
  disconnects = 0;

  constructor(private readonly options: LoadClientOptions) {
    this.user = options.user;
    this.rooms = options.rooms;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.gapWaitMs = options.gapWaitMs ?? 2_000;
    this.joinRetryMs = options.joinRetryMs ?? 3_000;
    for (const room of options.rooms) this.queues.set(room, []);
    this.socket = io(options.baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      autoConnect: false,
      forceNew: true,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      auth: (send) => {
        send({ token: options.user.accessToken });
      },
    });
    this.socket.on('connect', () => {
      this.connects += 1;
      for (const room of this.rooms) void this.join(room);
    });
    this.socket.on('disconnect', (reason) => {
      this.disconnects += 1;
      this.joined.clear();
      const now = Date.now();
      for (const room of this.rooms) options.ledger.view(this.user.userId, room).disconnected(now);
      if (reason === 'io server disconnect') {
        // Only token expiry or revocation close a socket server-side: neither should happen here.
        this.event('server_disconnect', 'the server closed the socket (io server disconnect)');
        if (!this.closed) this.socket.connect();
      } else {
        this.event('disconnect', reason);
      }
    });
    this.socket.on('connect_error', (error) => {
      this.event('connect_error', error.message);
    });
    this.socket.on('message', (message) => {
      this.onMessage(message);
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** A call, not a property read: TypeScript must not narrow it across awaits. */
  private isConnected(): boolean {
    return this.socket.connected;
  }

  /** Connected, and every room joined (its replay applied). */
  get ready(): boolean {
    return this.socket.connected && this.joined.size === this.rooms.length;
  }

  /** Messages written but not acknowledged yet. */
  get pending(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  connect(): void {
    this.socket.connect();
  }

  /** Writes one message to the next of this user's rooms (round robin); sent when it can be. */
  sendNext(): void {
    const room = this.rooms[this.nextRoom % this.rooms.length];
    this.nextRoom += 1;
    if (room !== undefined) this.send(room);
  }

  send(roomId: string): void {
    if (this.closed) return;
    const clientMsgId = randomUUID();
    this.options.ledger.recordSend({
      clientMsgId,
      userId: this.user.userId,
      roomId,
      phase: this.options.phase(),
      at: Date.now(),
    });
    this.queues.get(roomId)?.push(clientMsgId);
    void this.flush(roomId);
  }

  close(): void {
    this.closed = true;
    for (const timer of [...this.timers, ...this.gapTimers.values()]) clearTimeout(timer);
    this.timers.clear();
    this.gapTimers.clear();
    this.socket.disconnect();
  }

  private event(type: ClientEvent['type'], detail: string): void {
    this.options.onEvent?.({ userId: this.user.userId, type, detail });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(timer);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.later(ms, resolve);
      if (this.closed) resolve();
    });
  }

  private onMessage(message: ChatMessage): void {
    if (!this.queues.has(message.roomId)) return;
    const view = this.options.ledger.view(this.user.userId, message.roomId);
    view.add(message, Date.now());
    const roomId = message.roomId;
    if (view.hasGap() && !this.gapTimers.has(roomId)) {
      const timer = setTimeout(() => {
        this.gapTimers.delete(roomId);
        if (!this.closed && view.hasGap()) void this.join(roomId);
      }, this.gapWaitMs);
      this.gapTimers.set(roomId, timer);
    }
  }

  private async join(roomId: string): Promise<void> {
    if (this.closed) return;
    if (this.joining.has(roomId)) {
      this.joinAgain.add(roomId);
      return;
    }
    this.joining.add(roomId);
    let retry = false;
    const view = this.options.ledger.view(this.user.userId, roomId);
    try {
      for (let more = true; more;) {
        const ack = await request<Ack<JoinRoomResult>>(
          this.socket,
          this.ackTimeoutMs,
          'join_room',
          {
            roomId,
            afterSeq: view.top,
          },
        );
        if (!ack.ok) {
          this.event('join_refused', `${ack.error.code}: ${ack.error.message}`);
          retry = ack.error.code !== 'ROOM_NOT_FOUND';
          return;
        }
        const now = Date.now();
        for (const message of ack.missed) view.add(message, now);
        more = ack.hasMoreMissed;
      }
      this.joined.add(roomId);
      view.joined(Date.now());
      void this.flush(roomId);
    } catch {
      // Not connected (the next connect joins again) or no answer in time (try again shortly).
      retry = this.socket.connected;
    } finally {
      this.joining.delete(roomId);
      if (this.joinAgain.delete(roomId)) void this.join(roomId);
      else if (retry) this.later(this.joinRetryMs, () => void this.join(roomId));
    }
  }

  private async flush(roomId: string): Promise<void> {
    if (this.flushing.has(roomId)) return;
    this.flushing.add(roomId);
    const { ledger } = this.options;
    try {
      for (;;) {
        const queue = this.queues.get(roomId) ?? [];
        const clientMsgId = queue[0];
        if (!clientMsgId || this.closed || !this.socket.connected || !this.joined.has(roomId)) {
          return;
        }
        ledger.recordAttempt(clientMsgId);
        const attempts = this.countAttempt(clientMsgId);
        let ack: Ack<{ message: ChatMessage }>;
        try {
          ack = await request(this.socket, this.ackTimeoutMs, 'send_message', {
            roomId,
            text: `${this.user.username} #${++this.counter} (${this.options.phase()})`,
            clientMsgId,
          });
        } catch {
          // No ack: stored or not, resending the same clientMsgId is safe.
          if (!this.isConnected()) return;
          await this.wait(retryDelay(attempts));
          continue;
        }
        if (ack.ok) {
          const now = Date.now();
          ledger.recordAck(clientMsgId, ack.message, now);
          ledger.view(this.user.userId, roomId).add(ack.message, now);
          queue.shift();
          this.lastAckAt = now;
          continue;
        }
        const { code, message } = ack.error;
        // The web app's policy, without its give-up after MAX_SEND_ATTEMPTS: a fault may last.
        const action = sendActions[code];
        if (action === 'retry') {
          await this.wait(rateLimitWait(ack.error) ?? retryDelay(attempts));
        } else if (action === 'rejoin') {
          this.joined.delete(roomId);
          void this.join(roomId);
          return;
        } else {
          this.event('send_refused', `${code}: ${message}`);
          ledger.recordRefusal(clientMsgId, `${code}: ${message}`);
          queue.shift();
        }
      }
    } finally {
      this.flushing.delete(roomId);
    }
  }

  /** This attempt's number for the message (1 for the first send). */
  private countAttempt(clientMsgId: string): number {
    const n = (this.attemptCounts.get(clientMsgId) ?? 0) + 1;
    this.attemptCounts.set(clientMsgId, n);
    return n;
  }
}
