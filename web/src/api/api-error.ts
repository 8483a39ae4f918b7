// Every failed HTTP call becomes an ApiError carrying the server's `{error: {code, message}}`, or a
// client-side code for failures that never got an answer (NETWORK) or got a malformed one.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when trying again later may work: no answer, overload, rate limit or outage. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** The session is over (refresh refused or logged out): the user has to sign in again. */
export class SessionEndedError extends Error {
  constructor(message = 'Your session has ended. Please sign in again.') {
    super(message);
    this.name = 'SessionEndedError';
  }
}

/** A sentence to show a person for any error a call may throw. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429 && error.retryAfterSeconds !== undefined) {
      const seconds = error.retryAfterSeconds;
      return `${error.message} Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
    }
    return error.message;
  }
  if (error instanceof SessionEndedError) return error.message;
  return 'Something went wrong. Please try again.';
}
