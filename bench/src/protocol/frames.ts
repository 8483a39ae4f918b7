// Engine.IO v4 / Socket.IO v5 framing over a raw WebSocket, the part of socket.io-client the load
// generator needs and nothing more: one text frame is one Engine.IO packet (the WebSocket
// transport never batches), and a Socket.IO packet rides in an Engine.IO "message" (4).
//
//   engine: 0 open {sid, pingInterval, pingTimeout, maxPayload}, 1 close, 2 ping, 3 pong,
//           4 message, 5 upgrade, 6 noop
//   socket: 0 CONNECT [json], 1 DISCONNECT, 2 EVENT [id] json-array, 3 ACK id json-array,
//           4 CONNECT_ERROR json, 5/6 binary (never used by chat-service, reported as unknown)
//   e.g.    40{"token":"…"}   42["message",{…}]   4217["send_message",{…}]   4317[{"ok":true}]
// A packet for another namespace carries "/name," after its type; only "/" is used here.

export type Frame =
  | { kind: 'open'; sid: string; pingInterval: number; pingTimeout: number }
  | { kind: 'ping' }
  | { kind: 'pong' }
  | { kind: 'close' }
  | { kind: 'noop' }
  | { kind: 'connect'; sid: string }
  | { kind: 'connect_error'; message: string; data: unknown }
  | { kind: 'disconnect' }
  | { kind: 'event'; name: string; args: unknown[]; ackId: number | undefined }
  | { kind: 'ack'; ackId: number; args: unknown[] }
  | { kind: 'unknown'; raw: string };

/** The client's answer to the server's ping (Engine.IO v4: the server pings). */
export const PONG_FRAME = '3';

const CODE_0 = 48; // '0'
const CODE_9 = 57; // '9'
const SLASH = 47; // '/'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  return JSON.parse(text) as unknown;
}

/** Socket.IO CONNECT for the default namespace, with the handshake's `auth` payload. */
export function encodeConnect(auth?: Record<string, unknown>): string {
  return auth === undefined ? '40' : `40${JSON.stringify(auth)}`;
}

/** An EVENT; with `ackId` the server answers with ACK `43<ackId>[…]`. */
export function encodeEvent(name: string, payload: unknown, ackId?: number): string {
  if (ackId !== undefined && (!Number.isSafeInteger(ackId) || ackId < 0)) {
    throw new RangeError(`ack id must be a non-negative integer, got ${String(ackId)}`);
  }
  return `42${ackId ?? ''}${JSON.stringify([name, payload])}`;
}

/** An ACK the client sends for a server event that asked for one. */
export function encodeAck(ackId: number, args: unknown[]): string {
  return `43${ackId}${JSON.stringify(args)}`;
}

/**
 * Decodes one WebSocket text frame. Never throws: malformed input (bad JSON, a binary packet, an
 * unexpected type) comes back as `unknown` with the raw text, for the caller to count.
 */
export function decodeFrame(frame: string): Frame {
  try {
    return decode(frame);
  } catch {
    return { kind: 'unknown', raw: frame };
  }
}

function decode(frame: string): Frame {
  switch (frame.charCodeAt(0)) {
    case 48: {
      // 0 open
      const open = parseJson(frame.slice(1));
      if (!isRecord(open) || typeof open.sid !== 'string') break;
      return {
        kind: 'open',
        sid: open.sid,
        pingInterval: typeof open.pingInterval === 'number' ? open.pingInterval : 25_000,
        pingTimeout: typeof open.pingTimeout === 'number' ? open.pingTimeout : 20_000,
      };
    }
    case 49: // 1 close
      return { kind: 'close' };
    case 50: // 2 ping
      return { kind: 'ping' };
    case 51: // 3 pong
      return { kind: 'pong' };
    case 52: // 4 message: a Socket.IO packet
      return decodeSocketPacket(frame);
    case 54: // 6 noop
      return { kind: 'noop' };
    default:
      break;
  }
  return { kind: 'unknown', raw: frame };
}

function decodeSocketPacket(frame: string): Frame {
  const type = frame.charCodeAt(1);
  let i = 2;
  // "/namespace," — only the default namespace is used; skip any other's name all the same.
  if (frame.charCodeAt(i) === SLASH) {
    const comma = frame.indexOf(',', i);
    if (comma < 0) return { kind: 'unknown', raw: frame };
    i = comma + 1;
  }
  switch (type) {
    case 48: {
      // 0 CONNECT {sid}
      const data = parseJson(frame.slice(i));
      return {
        kind: 'connect',
        sid: isRecord(data) && typeof data.sid === 'string' ? data.sid : '',
      };
    }
    case 49: // 1 DISCONNECT (the server closed this socket)
      return { kind: 'disconnect' };
    case 50:
    case 51: {
      // 2 EVENT [id]["name", ...args] / 3 ACK id[...args]
      const start = i;
      while (i < frame.length) {
        const c = frame.charCodeAt(i);
        if (c < CODE_0 || c > CODE_9) break;
        i += 1;
      }
      const ackId = i > start ? Number(frame.slice(start, i)) : undefined;
      const body = parseJson(frame.slice(i));
      if (!Array.isArray(body)) break;
      if (type === 51) {
        if (ackId === undefined) break;
        return { kind: 'ack', ackId, args: body as unknown[] };
      }
      const [name, ...args] = body as unknown[];
      if (typeof name !== 'string') break;
      return { kind: 'event', name, args, ackId };
    }
    case 52: {
      // 4 CONNECT_ERROR {message, data}
      const data = parseJson(frame.slice(i));
      return {
        kind: 'connect_error',
        message: isRecord(data) && typeof data.message === 'string' ? data.message : String(data),
        data: isRecord(data) ? data.data : undefined,
      };
    }
    default:
      break;
  }
  return { kind: 'unknown', raw: frame };
}

/** The Engine.IO WebSocket URL of a Socket.IO server at `base` (http(s):// or ws(s)://). */
export function socketUrl(base: string, path = '/socket.io/'): string {
  const url = new URL(path, base);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.search = 'EIO=4&transport=websocket';
  return url.toString();
}

const MESSAGE_PREFIX = '42["message",';
const TEXT_KEY = '"text":"';

/**
 * The generator's fast path for a room `message` broadcast: the tag `<worker>:<message>:` at the
 * start of the text it sent, read straight from the frame without JSON.parse (the receive path
 * runs 50,000 times a second). Undefined for any other frame, or a text without such a tag.
 * The text is the generator's own (digits and colons first), so no JSON escape can precede it.
 */
export function messageTag(frame: string): { worker: number; message: number } | undefined {
  if (!frame.startsWith(MESSAGE_PREFIX)) return undefined;
  const key = frame.indexOf(TEXT_KEY, MESSAGE_PREFIX.length);
  if (key < 0) return undefined;
  let i = key + TEXT_KEY.length;
  const worker = readUint(frame, i);
  if (worker === undefined || frame.charCodeAt(worker.end) !== 58) return undefined;
  i = worker.end + 1;
  const message = readUint(frame, i);
  if (message === undefined || frame.charCodeAt(message.end) !== 58) return undefined;
  return { worker: worker.value, message: message.value };
}

function readUint(text: string, from: number): { value: number; end: number } | undefined {
  let value = 0;
  let i = from;
  while (i < text.length && i - from < 15) {
    const c = text.charCodeAt(i);
    if (c < CODE_0 || c > CODE_9) break;
    value = value * 10 + (c - CODE_0);
    i += 1;
  }
  return i === from ? undefined : { value, end: i };
}
