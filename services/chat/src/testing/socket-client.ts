// socket.io-client helpers for tests and scripts: connect as someone, send with a bounded wait
// for the ack, and record what the server pushes so tests can wait for (or rule out) an event.
import type {
  Ack,
  ClientToServerEvents,
  JoinRoomResult,
  ServerToClientEvents,
} from '@falablau/common/contracts';
import { io, type Socket } from 'socket.io-client';

export type ChatClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  token?: string;
  /** Sent as the Origin header (Node has none by default, like any non-browser client). */
  origin?: string;
  /** Default: WebSocket only (what browsers end up on); `['polling']` tests the fallback. */
  transports?: ('websocket' | 'polling')[];
  /** Auto-reconnect after a lost connection. Default false: tests decide when to reconnect. */
  reconnection?: boolean;
  timeoutMs?: number;
}

export class ConnectRefused extends Error {
  override readonly name = 'ConnectRefused';
  constructor(
    message: string,
    /** `connect_error`'s data: the middleware's `{code}`, or the transport's error details. */
    readonly data: unknown,
  ) {
    super(message);
  }
}

/** A client that is not connected yet (for handshake tests, use `connectClient`). */
export function createClient(url: string, options: ConnectOptions = {}): ChatClient {
  const { token, origin, transports = ['websocket'], reconnection = false } = options;
  return io(url, {
    path: '/socket.io',
    transports,
    reconnection,
    autoConnect: false,
    forceNew: true,
    timeout: options.timeoutMs ?? 5_000,
    auth: token === undefined ? {} : { token },
    ...(origin === undefined ? {} : { extraHeaders: { origin } }),
  });
}

/** Resolves once connected; rejects with ConnectRefused on `connect_error`. */
export function connectClient(url: string, options: ConnectOptions = {}): Promise<ChatClient> {
  return openClient(createClient(url, options));
}

/** Connects and expects a refusal: the ConnectRefused (anything else, a connection included, throws). */
export async function connectRefusal(
  url: string,
  options: ConnectOptions,
): Promise<ConnectRefused> {
  const outcome = await connectClient(url, options).then(
    (client) => {
      client.disconnect();
      return new Error('connected, but should have been refused');
    },
    (error: unknown) => error,
  );
  if (!(outcome instanceof ConnectRefused)) throw outcome;
  return outcome;
}

/** Connects (or reconnects) `client`, e.g. after a token refresh put a new one in `client.auth`. */
export function openClient(client: ChatClient): Promise<ChatClient> {
  return new Promise((resolve, reject) => {
    const onConnect = (): void => {
      client.off('connect_error', onError);
      resolve(client);
    };
    const onError = (error: Error & { data?: unknown; description?: unknown }): void => {
      client.off('connect', onConnect);
      client.disconnect();
      reject(new ConnectRefused(error.message, error.data ?? error.description));
    };
    client.once('connect', onConnect);
    client.once('connect_error', onError);
    client.connect();
  });
}

/** Emits and waits for the acknowledgement (rejects after `timeoutMs` without one). */
export async function request<E extends keyof ClientToServerEvents>(
  client: ChatClient,
  event: E,
  payload: unknown,
  timeoutMs = 5_000,
): Promise<AckOf<E>> {
  // Payloads are `unknown` on purpose: the bad-input tests send what the types forbid.
  const withTimeout = client.timeout(timeoutMs);
  const emit = withTimeout.emitWithAck.bind(withTimeout) as unknown as (
    event: string,
    payload: unknown,
  ) => Promise<AckOf<E>>;
  return emit(event, payload);
}

type AckOf<E extends keyof ClientToServerEvents> = Parameters<
  Parameters<ClientToServerEvents[E]>[1]
>[0];

export type JoinAck = Ack<JoinRoomResult>;

type Received = { [E in keyof ServerToClientEvents]: Parameters<ServerToClientEvents[E]>[0] };

/** Everything the server pushed to one client, in order, for assertions. */
export interface Recorder {
  all<E extends keyof Received>(event: E): Received[E][];
  /** The first recorded event matching (including ones before the call), or the next one. */
  next<E extends keyof Received>(
    event: E,
    match?: (value: Received[E]) => boolean,
    timeoutMs?: number,
  ): Promise<Received[E]>;
  clear(): void;
}

const serverEvents = ['message', 'typing', 'user_joined', 'user_left', 'presence'] as const;

export function record(client: ChatClient): Recorder {
  const seen = new Map<string, unknown[]>(serverEvents.map((e) => [e, []]));
  const waiters = new Set<{ event: string; check: (value: unknown) => boolean }>();
  for (const event of serverEvents) {
    client.on(event, (value: unknown) => {
      seen.get(event)?.push(value);
      for (const waiter of waiters) if (waiter.event === event) waiter.check(value);
    });
  }

  return {
    all: <E extends keyof Received>(event: E) => [...(seen.get(event) ?? [])] as Received[E][],
    next: <E extends keyof Received>(
      event: E,
      match: (value: Received[E]) => boolean = () => true,
      timeoutMs = 5_000,
    ) =>
      new Promise<Received[E]>((resolve, reject) => {
        const earlier = (seen.get(event) ?? []).find((v) => match(v as Received[E]));
        if (earlier !== undefined) {
          resolve(earlier as Received[E]);
          return;
        }
        const waiter = {
          event,
          check: (value: unknown) => {
            if (!match(value as Received[E])) return false;
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(value as Received[E]);
            return true;
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `no matching "${event}" within ${timeoutMs} ms; got: ${JSON.stringify(seen.get(event)).slice(0, 2_000)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      }),
    clear: () => {
      for (const list of seen.values()) list.length = 0;
    },
  };
}

/** Resolves with the disconnect reason (immediately if already disconnected). */
export function disconnected(client: ChatClient, timeoutMs = 5_000): Promise<string> {
  if (!client.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`client ${client.id ?? ''} still connected after ${timeoutMs} ms`));
    }, timeoutMs);
    client.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Asserts a successful acknowledgement and narrows it, showing the error otherwise. */
export function expectOk<T extends object>(ack: Ack<T>): { ok: true } & T {
  if (!ack.ok) throw new Error(`expected an ok ack, got ${JSON.stringify(ack)}`);
  return ack;
}

/** Asserts a failed acknowledgement with `code`, returning its message. */
export function expectAckError(ack: Ack, code: string): string {
  if (ack.ok || ack.error.code !== code) {
    throw new Error(`expected an ack error ${code}, got ${JSON.stringify(ack)}`);
  }
  return ack.error.message;
}

/** Emits anything, typed or not, without waiting for an ack (for bad-input tests). */
export function rawEmit(client: ChatClient, event: string, ...args: unknown[]): void {
  const emit = client.emit.bind(client) as unknown as (event: string, ...args: unknown[]) => void;
  emit(event, ...args);
}
