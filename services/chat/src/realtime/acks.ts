// Acknowledgements: every client event is answered `{ok: true, ...}` or `{ok: false, error}`,
// and only the codes of the contract reach clients. Anything unexpected is logged in full here
// and answered INTERNAL, so a handler bug never leaks details or leaves a client waiting.
import { dependencyUnavailable, isAppError, type Logger } from '@falablau/common';
import type { Ack, AckError, AckErrorCode } from '@falablau/common/contracts';
import { z } from 'zod';

/** A failure a handler reports on purpose; its code and message go to the client as they are. */
export class AckFailure extends Error {
  override readonly name = 'AckFailure';
  constructor(
    readonly code: AckErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const ackCodes = new Set<string>([
  'VALIDATION_FAILED',
  'ROOM_NOT_FOUND',
  'NOT_A_MEMBER',
  'FORBIDDEN',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] satisfies AckErrorCode[]);

const isAckCode = (code: string): code is AckErrorCode => ackCodes.has(code);

/** The status-based fallback for AppErrors whose code is not an ack code (e.g. 400 BAD_REQUEST). */
function codeForStatus(status: number): AckErrorCode | undefined {
  if (status === 400) return 'VALIDATION_FAILED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'UNAVAILABLE';
  return undefined;
}

export function toAckError(cause: unknown, logger: Logger, event: string): AckError {
  if (cause instanceof AckFailure) {
    return { ok: false, error: { code: cause.code, message: cause.message } };
  }
  // Postgres, Kafka or Redis unreachable: the client retries (UNAVAILABLE), it is not a bug.
  const error = dependencyUnavailable(cause) ?? cause;
  if (isAppError(error) && error.statusCode < 500) {
    const code = isAckCode(error.code) ? error.code : codeForStatus(error.statusCode);
    if (code) return { ok: false, error: { code, message: error.message } };
  }
  if (isAppError(error) && error.statusCode === 503) {
    logger.warn({ err: error, event }, 'socket event failed: dependency unavailable');
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'Try again shortly' } };
  }
  logger.error({ err: error, event }, 'socket event failed');
  return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong' } };
}

type AckCallback = (result: Ack) => void;

/**
 * The acknowledgement callback of an event, if the client asked for one. Clients that emit
 * without a callback (or with something else in its place) get no answer, and nothing breaks.
 */
export function ackOf(args: readonly unknown[]): AckCallback | undefined {
  const last = args.at(-1);
  return typeof last === 'function' ? (last as AckCallback) : undefined;
}

/** The payload: the first argument, unless it is the ack callback itself. */
export function payloadOf(args: readonly unknown[]): unknown {
  const first = args[0];
  return typeof first === 'function' ? undefined : first;
}

const maxMessageLength = 500;

/** Parses `payload` with a contract schema; VALIDATION_FAILED with a readable message otherwise. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const message = z.prettifyError(result.error).replaceAll('\n', ' ');
  throw new AckFailure(
    'VALIDATION_FAILED',
    message.length > maxMessageLength ? `${message.slice(0, maxMessageLength - 1)}…` : message,
  );
}
