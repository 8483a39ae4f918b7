// Bounded waiting: every wait of the runner has a deadline and says what it was waiting for.

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

/**
 * Polls `check` every `intervalMs` until it returns true; throws a WaitTimeoutError naming `what`
 * (and the last state `describe` gives, if any) after `timeoutMs`. Resolves with the time waited.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; describe?: () => string | Promise<string> },
): Promise<number> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() >= deadline) {
      const state = options.describe ? `: ${await options.describe()}` : '';
      throw new WaitTimeoutError(
        `timed out after ${options.timeoutMs} ms waiting for ${what}${state}`,
      );
    }
    await sleep(Math.min(interval, deadline - Date.now()));
  }
}

/** Rejects with a clear message if `promise` does not settle within `ms`. */
export async function withTimeout<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new WaitTimeoutError(`${what}: no result within ${ms} ms`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `1234` → `1.2 s`, `45` → `45 ms`; `undefined` → `-`. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1_000).toFixed(1)} s`;
}
