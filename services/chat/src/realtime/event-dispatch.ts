// The one path every client event takes: pick payload and ack out of the arguments, run the
// handler, acknowledge success or a contract error, record the outcome. Handlers only describe
// the happy path; they throw AckFailure (or the services' AppErrors) for everything else.
import { performance } from 'node:perf_hooks';
import type { Logger } from '@falablau/common';
import type { ClientToServerEvents } from '@falablau/common/contracts';
import { ackOf, payloadOf, toAckError } from './acks.js';
import type { RealtimeMetrics } from './realtime.metrics.js';
import type { ChatSocket } from './socket-types.js';

export interface HandlerResult<T extends object = object> {
  /** The acknowledgement's success fields (`ok: true` is added). */
  result: T;
  /** Runs after the ack was sent: broadcasts that must not overtake it. */
  afterAck?: () => void;
}

export type EventHandler = (socket: ChatSocket, payload: unknown) => Promise<HandlerResult>;

export type EventHandlers = { [E in keyof ClientToServerEvents]: EventHandler };

/**
 * The listener of every client event on every socket, created once: Socket.IO calls it with the
 * socket as `this` (`socket.onAny`), so a connection costs one array slot here instead of a
 * closure per event — memory that 50,000 idle sockets per process multiply (docs/performance.md,
 * P1). Events without a handler are ignored, as they were without a listener.
 */
export function createEventListener(
  handlers: EventHandlers,
  { logger, metrics }: { logger: Logger; metrics: RealtimeMetrics },
): (this: ChatSocket, event: string, ...args: unknown[]) => void {
  const table = new Map<string, EventHandler>(Object.entries(handlers));

  const dispatch = async (
    socket: ChatSocket,
    event: string,
    handler: EventHandler,
    args: unknown[],
  ) => {
    const started = performance.now();
    const ack = ackOf(args);
    let outcome: HandlerResult | undefined;
    let result = 'ok';
    try {
      outcome = await handler(socket, payloadOf(args));
      ack?.({ ok: true, ...outcome.result });
    } catch (error) {
      const failure = toAckError(error, logger, event);
      result = failure.error.code;
      ack?.(failure);
    }
    metrics.ackDuration.observe({ event, result }, (performance.now() - started) / 1_000);
    try {
      outcome?.afterAck?.();
    } catch (error) {
      logger.error({ err: error, event }, 'socket event follow-up failed');
    }
  };

  // Listeners take any arguments: a client may send no payload, no ack, or extra values.
  return function onEvent(this: ChatSocket, event: string, ...args: unknown[]): void {
    const handler = table.get(event);
    if (handler) void dispatch(this, event, handler, args);
  };
}

/** Routes `socket`'s events to their handlers (through the shared listener). */
export function registerHandlers(
  socket: ChatSocket,
  listener: ReturnType<typeof createEventListener>,
): void {
  socket.onAny(listener);
}
