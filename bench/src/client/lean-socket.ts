// A Socket.IO client of a few hundred bytes per connection: one `ws` WebSocket, the framing of
// protocol/frames.ts, a map of pending acks. No reconnection, no buffering, no timers per socket
// (the owner sweeps ack timeouts for all its sockets at once), so one generator process holds
// tens of thousands of them and spends its CPU on the workload, not on the client.
import WebSocket from 'ws';
import { decodeFrame, encodeConnect, encodeEvent, PONG_FRAME } from '../protocol/frames.js';

export type AckCallback = (reply: unknown, error?: string) => void;

export interface LeanSocketHandlers {
  /**
   * Every EVENT frame (`42…`), raw: the caller picks its fast path (protocol/frames messageTag)
   * or decodes it.
   */
  onEventFrame?: (socket: LeanSocket, frame: string) => void;
  /** The connection ended after it was established (server close, network, our close()). */
  onClose?: (socket: LeanSocket, reason: string) => void;
}

export interface LeanSocketOptions {
  /** Engine.IO WebSocket URL (protocol/frames socketUrl). */
  url: string;
  /** Socket.IO `auth` payload (chat-service: {token}). */
  auth?: Record<string, unknown>;
  /** Source address of the TCP connection (another loopback address: 127.0.0.2 …). */
  localAddress?: string;
  handlers?: LeanSocketHandlers;
}

interface PendingAck {
  callback: AckCallback;
  sentAt: number;
}

export class LeanSocket {
  state: 'idle' | 'connecting' | 'connected' | 'closed' = 'idle';
  /** Why it closed (after `closed`). */
  closeReason = '';
  unknownFrames = 0;
  /** Free for the owner: room, member, user … */
  room = -1;
  member = -1;
  private ws: WebSocket | undefined;
  private nextAckId = 0;
  private readonly pending = new Map<number, PendingAck>();

  constructor(private readonly options: LeanSocketOptions) {}

  get pendingAcks(): number {
    return this.pending.size;
  }

  /** Opens the WebSocket and completes the Socket.IO CONNECT; rejects with what went wrong. */
  connect(timeoutMs: number): Promise<void> {
    if (this.state !== 'idle') return Promise.reject(new Error(`cannot connect: ${this.state}`));
    this.state = 'connecting';
    return new Promise<void>((resolve, reject) => {
      let stage = 'WebSocket open';
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          this.state = 'closed';
          this.closeReason = error.message;
          ws.removeAllListeners();
          ws.on('error', () => undefined);
          ws.terminate();
          reject(error);
        } else {
          this.state = 'connected';
          resolve();
        }
      };
      const timer = setTimeout(() => {
        settle(new Error(`no Socket.IO CONNECT within ${timeoutMs} ms (waiting for ${stage})`));
      }, timeoutMs);
      const ws = new WebSocket(this.options.url, {
        perMessageDeflate: false,
        handshakeTimeout: timeoutMs,
        skipUTF8Validation: true,
        maxPayload: 4 * 1024 * 1024,
        ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}),
      });
      this.ws = ws;
      ws.on('open', () => {
        // CONNECT right away: the server accepts it before or after its OPEN packet.
        stage = 'Socket.IO CONNECT answer';
        ws.send(encodeConnect(this.options.auth));
      });
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) {
          this.unknownFrames += 1;
          return;
        }
        const text = data.toString();
        if (settled) {
          this.onFrame(text);
          return;
        }
        const frame = decodeFrame(text);
        if (frame.kind === 'connect') settle();
        else if (frame.kind === 'connect_error') settle(new Error(`refused: ${frame.message}`));
        else if (frame.kind === 'ping') ws.send(PONG_FRAME);
        else if (frame.kind === 'open') stage = 'Socket.IO CONNECT answer (engine OPEN received)';
      });
      ws.on('error', (error: Error) => {
        if (!settled) settle(new Error(`${stage}: ${error.message}`));
        else this.closeReason ||= error.message;
      });
      ws.on('close', (code: number, reason: Buffer) => {
        if (!settled) {
          settle(new Error(`closed during ${stage} (${code} ${reason.toString()})`));
          return;
        }
        this.onClosed(
          this.closeReason || `closed ${code}${reason.length ? ` ${reason.toString()}` : ''}`,
        );
      });
    });
  }

  /** Emits an event; with a callback the server's acknowledgement comes back to it. */
  emit(name: string, payload: unknown, callback?: AckCallback): boolean {
    const ws = this.ws;
    if (this.state !== 'connected' || !ws) {
      callback?.(undefined, 'NOT_CONNECTED');
      return false;
    }
    if (!callback) {
      ws.send(encodeEvent(name, payload));
      return true;
    }
    const id = this.nextAckId;
    this.nextAckId += 1;
    this.pending.set(id, { callback, sentAt: performance.now() });
    ws.send(encodeEvent(name, payload, id));
    return true;
  }

  /** Fails acks older than `timeoutMs` (Map order is send order, so it stops at the first young one). */
  expireAcks(now: number, timeoutMs: number): number {
    let expired = 0;
    for (const [id, ack] of this.pending) {
      if (now - ack.sentAt < timeoutMs) break;
      this.pending.delete(id);
      expired += 1;
      ack.callback(undefined, 'TIMEOUT');
    }
    return expired;
  }

  /** Closes the connection (pending acks fail with CLOSED). */
  close(): void {
    if (this.state === 'closed') return;
    this.closeReason ||= 'closed by the generator';
    if (this.ws) this.ws.terminate();
    else this.state = 'closed';
  }

  private onFrame(text: string): void {
    const first = text.charCodeAt(0);
    if (first === 50 && text.length === 1) {
      // "2": the server's ping
      this.ws?.send(PONG_FRAME);
      return;
    }
    if (first === 52 && text.charCodeAt(1) === 50) {
      // "42": an event
      this.options.handlers?.onEventFrame?.(this, text);
      return;
    }
    const frame = decodeFrame(text);
    switch (frame.kind) {
      case 'ack': {
        const ack = this.pending.get(frame.ackId);
        if (!ack) {
          this.unknownFrames += 1;
          return;
        }
        this.pending.delete(frame.ackId);
        ack.callback(frame.args[0]);
        return;
      }
      case 'disconnect':
        this.closeReason = 'io server disconnect';
        this.ws?.terminate();
        return;
      case 'close':
        this.closeReason = 'engine close';
        this.ws?.terminate();
        return;
      case 'pong':
      case 'noop':
        return;
      default:
        this.unknownFrames += 1;
    }
  }

  private onClosed(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason = reason;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const ack of pending) ack.callback(undefined, 'CLOSED');
    this.options.handlers?.onClose?.(this, reason);
  }
}
