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

export function registerHandlers(
  socket: ChatSocket,
  handlers: EventHandlers,
  { logger, metrics }: { logger: Logger; metrics: RealtimeMetrics },
): void {
  const dispatch = async (event: string, handler: EventHandler, args: unknown[]) => {
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

  for (const [event, handler] of Object.entries(handlers)) {
    // Listeners take any arguments: a client may send no payload, no ack, or extra values.
    socket.on(event as keyof ClientToServerEvents, (...args: unknown[]) => {
      void dispatch(event, handler, args);
    });
  }
}
