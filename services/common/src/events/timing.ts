// Small time helpers shared by both buses: abortable sleeps, deadlines, retry backoff.

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class EventBusTimeoutError extends Error {
  override readonly name = 'EventBusTimeoutError';
}

/**
 * Runs `fn` but settles after at most `ms`. The signal tells `fn` it was abandoned, so it can
 * stop before doing anything the caller was told did not happen.
 */
export async function withDeadline<R>(
  ms: number,
  message: string,
  fn: (signal: AbortSignal) => Promise<R>,
): Promise<R> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new EventBusTimeoutError(`${message} (after ${ms} ms)`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exponential backoff with jitter for handler retries: 100 ms doubling up to `maxMs`. */
export function backoffDelay(attempt: number, maxMs = 5_000): number {
  const base = Math.min(maxMs, 100 * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
