// A Socket.IO v5 client (Engine.IO v4, WebSocket transport only) over k6's `k6/websockets`, so
// a virtual user holds a real socket the way socket.io-client does, with no browser:
//
//   open    ws(s)://host/socket.io/?EIO=4&transport=websocket
//   server  0{"sid":…,"pingInterval":…,"pingTimeout":…}      Engine.IO OPEN
//   client  40{"token":"<access token>"}                        CONNECT to "/" with the auth payload
//   server  40{"sid":…}  or  44{"message":…,"data":{"code":…}}  connected, or connect_error
//   server  2   →   client  3                                  Engine.IO ping / pong (heartbeat)
//   client  42<id>["send_message",{…}]                          EVENT with an acknowledgement id
//   server  43<id>[{ok:true,…}]                                 ACK of that id
//   server  42["message",{…}]                                   EVENT without ack
//   server  41                                                  DISCONNECT ("io server disconnect")
//
// WebSocket only, never long-polling: polling needs sticky sessions across chat processes, and
// the entry points we test (ingress, compose nginx, the local cluster) route without them.
import { WebSocket } from 'k6/websockets';

const EIO_OPEN = '0';
const EIO_CLOSE = '1';
const EIO_PING = '2';
const EIO_MESSAGE = '4';
const SIO_CONNECT = '0';
const SIO_DISCONNECT = '1';
const SIO_EVENT = '2';
const SIO_ACK = '3';
const SIO_CONNECT_ERROR = '4';

/** ws(s)://…/socket.io/?EIO=4&transport=websocket for an http(s):// base URL. */
export function socketIoUrl(baseUrl) {
  return `${baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/socket.io/?EIO=4&transport=websocket`;
}

/** An error with the reason a Socket.IO client would report (`transport close`, a code …). */
export class SocketIoError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/**
 * One Socket.IO connection. Every callback runs on the VU's event loop; the k6 iteration lasts
 * until the socket is closed and its timers are cleared (`close()`).
 */
export class SocketIo {
  /**
   * @param {string} baseUrl  the deployment's http(s):// entry (BASE_URL)
   * @param {{ackTimeoutMs?: number, tags?: object}} [options]
   */
  constructor(baseUrl, options = {}) {
    this.url = socketIoUrl(baseUrl);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.tags = options.tags ?? {};
    this.handlers = {};
    this.closeHandlers = [];
    this.pending = new Map(); // ack id -> {resolve, reject, deadline}
    this.nextAckId = 0;
    this.ws = null;
    this.wsOpen = false;
    this.eioOpen = false;
    this.connected = false;
    this.closed = false;
    this.serverDisconnected = false;
    // Socket.IO's defaults, until the server's OPEN packet says otherwise.
    this.pingInterval = 25_000;
    this.pingTimeout = 20_000;
    this.heartbeatDeadline = Infinity;
    this.sweeper = null;
  }

  /** Registers a handler for a server event: `fn(payload, receivedAtMs)`. */
  on(event, fn) {
    (this.handlers[event] ??= []).push(fn);
  }

  /** `fn({reason, code})` once, when the connection ends for any reason. */
  onClose(fn) {
    this.closeHandlers.push(fn);
  }

  /**
   * Opens the WebSocket and completes the Socket.IO CONNECT with `auth`. Resolves with the
   * Socket.IO session id; rejects with a SocketIoError (`connect_error` carries the server's
   * code, e.g. UNAUTHORIZED) or on timeout.
   */
  connect(auth, timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error, value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          this.close();
          reject(error);
        } else {
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        // Which step stalled: the WebSocket dial, the server's OPEN, or its answer to CONNECT.
        const reached = `websocket ${this.wsOpen ? 'open' : 'not open'}, engine.io OPEN ${this.eioOpen ? 'received' : 'not received'}`;
        settle(
          new SocketIoError(`no Socket.IO CONNECT within ${timeoutMs} ms (${reached})`, 'TIMEOUT'),
        );
      }, timeoutMs);
      this.connectWaiter = settle;
      this.ws = new WebSocket(this.url, null, { tags: this.tags });
      // CONNECT goes out on `open`, not in answer to the server's Engine.IO OPEN packet: k6
      // (v1.8.1, k6/websockets) drops a frame that arrives before it has dispatched `open` (its
      // reader goroutine can queue it first), and the server sends OPEN right after the upgrade.
      // Waiting for OPEN would then stall the connection; the server accepts CONNECT either way.
      this.ws.onopen = () => {
        this.wsOpen = true;
        this.heartbeatDeadline = Date.now() + this.pingInterval + this.pingTimeout;
        this.ws.send(`${EIO_MESSAGE}${SIO_CONNECT}${JSON.stringify(auth)}`);
      };
      this.ws.onmessage = (event) => this.onFrame(event.data, event.timestamp);
      this.ws.onerror = (event) => {
        // k6 reports a failed dial or an abnormal close here; onclose follows.
        this.lastError = event.error ?? 'websocket error';
      };
      this.ws.onclose = () => this.onTransportClose();
      // Ack timeouts and the heartbeat are checked once a second, not one timer per message:
      // thousands of VUs each sending many messages would otherwise hold as many timers.
      this.sweeper = setInterval(() => this.sweep(), 1000);
    });
  }

  /**
   * Emits `event` with `payload` and waits for its acknowledgement. Resolves with
   * `{ack, ackedAt}` (the ack's first argument and when its frame arrived, in ms); rejects with a
   * SocketIoError on timeout (`ACK_TIMEOUT`) or when the connection ends first.
   */
  emitWithAck(event, payload) {
    if (!this.connected) {
      return Promise.reject(new SocketIoError('not connected', 'NOT_CONNECTED'));
    }
    const id = this.nextAckId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, deadline: Date.now() + this.ackTimeoutMs, event });
      this.ws.send(`${EIO_MESSAGE}${SIO_EVENT}${id}${JSON.stringify([event, payload])}`);
    });
  }

  /** Closes the connection (a client-side `io client disconnect`). Idempotent. */
  close() {
    if (this.ws && !this.closed) {
      try {
        if (this.connected) this.ws.send(`${EIO_MESSAGE}${SIO_DISCONNECT}`);
        this.ws.close();
      } catch {
        // Already closing: onclose does the rest.
      }
    }
    this.finish('io client disconnect');
  }

  onFrame(data, receivedAt) {
    if (typeof data !== 'string' || data.length === 0) return;
    switch (data[0]) {
      case EIO_PING:
        this.ws.send('3');
        this.heartbeatDeadline = Date.now() + this.pingInterval + this.pingTimeout;
        return;
      case EIO_OPEN: {
        // The server's heartbeat settings (may be lost to the race above: defaults stand then).
        const open = JSON.parse(data.slice(1));
        this.eioOpen = true;
        this.pingInterval = open.pingInterval;
        this.pingTimeout = open.pingTimeout;
        this.heartbeatDeadline = Date.now() + this.pingInterval + this.pingTimeout;
        return;
      }
      case EIO_MESSAGE:
        this.onPacket(data, receivedAt);
        return;
      case EIO_CLOSE:
        this.ws.close();
        return;
      default:
      // 3 (pong: we never ping), 6 (noop, polling only): nothing to do.
    }
  }

  onPacket(data, receivedAt) {
    const type = data[1];
    // Namespaces other than "/" prefix "/name," — we only use "/", so there is none to skip.
    let i = 2;
    while (i < data.length && data.charCodeAt(i) >= 48 && data.charCodeAt(i) <= 57) i++;
    const id = i > 2 ? Number(data.slice(2, i)) : undefined;
    const body = i < data.length ? JSON.parse(data.slice(i)) : undefined;
    switch (type) {
      case SIO_EVENT: {
        const [event, payload] = body;
        for (const fn of this.handlers[event] ?? []) fn(payload, receivedAt);
        return;
      }
      case SIO_ACK: {
        const waiter = this.pending.get(id);
        if (waiter) {
          this.pending.delete(id);
          waiter.resolve({ ack: body[0], ackedAt: receivedAt });
        }
        return;
      }
      case SIO_CONNECT:
        this.connected = true;
        this.connectWaiter?.(null, body?.sid);
        return;
      case SIO_CONNECT_ERROR:
        this.connectWaiter?.(
          new SocketIoError(
            `connect_error: ${body?.message ?? 'refused'}`,
            body?.data?.code ?? 'CONNECT_ERROR',
          ),
        );
        return;
      case SIO_DISCONNECT:
        // The server ended the session (token expired, session revoked): the client must
        // refresh its token before connecting again.
        this.serverDisconnected = true;
        this.ws.close();
        return;
      default:
      // Binary events and acks (5, 6) are not part of our contract.
    }
  }

  sweep() {
    const now = Date.now();
    if (now > this.heartbeatDeadline) {
      // No ping for pingInterval + pingTimeout: the server or the path to it is gone.
      this.lastError = 'ping timeout';
      this.ws.close();
      this.finish('ping timeout');
      return;
    }
    for (const [id, waiter] of this.pending) {
      if (now > waiter.deadline) {
        this.pending.delete(id);
        waiter.reject(
          new SocketIoError(`no ack for ${waiter.event} in ${this.ackTimeoutMs} ms`, 'ACK_TIMEOUT'),
        );
      }
    }
  }

  onTransportClose() {
    this.finish(this.serverDisconnected ? 'io server disconnect' : 'transport close');
  }

  finish(reason) {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    clearInterval(this.sweeper);
    const error = new SocketIoError(
      `connection ended (${reason}${this.lastError ? `: ${this.lastError}` : ''})`,
      'DISCONNECTED',
    );
    this.connectWaiter?.(error);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    for (const fn of this.closeHandlers) fn({ reason, error: this.lastError });
  }
}
