// What happens to a message that was not acknowledged. It is always resent with the same
// clientMsgId, so the server answers a message it already stored with that message instead of
// storing it twice; only the wait and whether to give up depend on the answer. Shared by the web
// app (web/src/chat/chat-client.ts) and the fault runner's simulated users (faults/), which must
// behave like it.
import type { AckError, AckErrorCode } from './socket-events.js';

export type SendAction = 'retry' | 'rejoin' | 'fail';

/** What a client does after each refusal (before the attempts run out). */
export const sendActions: Record<AckErrorCode, SendAction> = {
  UNAVAILABLE: 'retry',
  RATE_LIMITED: 'retry',
  INTERNAL: 'retry',
  NOT_A_MEMBER: 'rejoin',
  ROOM_NOT_FOUND: 'fail',
  VALIDATION_FAILED: 'fail',
  FORBIDDEN: 'fail',
};

export const MAX_SEND_ATTEMPTS = 8;

/** 1 s, 2 s, 4 s … up to 15 s before the next attempt. */
export const retryDelay = (attempts: number) =>
  Math.min(15_000, 1_000 * 2 ** Math.max(0, attempts - 1));

/** RATE_LIMITED acks end with "try again in N s": that wait in milliseconds. */
export function rateLimitWait(error: AckError['error']): number | undefined {
  if (error.code !== 'RATE_LIMITED') return undefined;
  const seconds = /try again in (\d+) s/.exec(error.message)?.[1];
  return seconds === undefined ? 2_000 : Number(seconds) * 1_000;
}

export interface RefusalOutcome {
  action: SendAction;
  /** Attempts that count towards giving up (a rate limit does not). */
  attempts: number;
  waitMs: number;
}

/** The server refused attempt number `attempts` of a message. */
export function afterRefusal(error: AckError['error'], attempts: number): RefusalOutcome {
  const limited = rateLimitWait(error);
  const counted = limited === undefined ? attempts : attempts - 1;
  return {
    action: counted >= MAX_SEND_ATTEMPTS ? 'fail' : sendActions[error.code],
    attempts: counted,
    waitMs: limited ?? retryDelay(attempts),
  };
}
