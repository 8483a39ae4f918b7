// Bounded polling for tests of asynchronous delivery: fail with a message that says what was
// awaited and what was last seen, instead of a bare jest timeout.

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Resolves once `predicate` returns true; rejects after `timeoutMs` with `describe()` (or the
 * message) so the failure shows the state that never came right.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  what: string | (() => string),
  { timeoutMs = 10_000, intervalMs = 20 }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() >= deadline) {
      const detail = typeof what === 'string' ? what : what();
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Lets asynchronous work that should NOT happen get a chance to happen, then the test checks. */
export function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
