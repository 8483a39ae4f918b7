// One error type for everything a client may see. Anything else that reaches the error handler
// is a bug: it is logged in full and answered with a generic 500.
export interface AppErrorOptions {
  details?: unknown;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  /** The JSON body every 4xx/5xx answer carries. */
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export const errors = {
  badRequest: (message: string, details?: unknown) =>
    new AppError(400, 'BAD_REQUEST', message, { details }),
  validation: (message: string, details?: unknown) =>
    new AppError(400, 'VALIDATION_FAILED', message, { details }),
  unauthorized: (message = 'Authentication required') =>
    new AppError(401, 'UNAUTHORIZED', message, { headers: { 'www-authenticate': 'Bearer' } }),
  forbidden: (message = 'Not allowed') => new AppError(403, 'FORBIDDEN', message),
  notFound: (message = 'Not found') => new AppError(404, 'NOT_FOUND', message),
  conflict: (message: string) => new AppError(409, 'CONFLICT', message),
  payloadTooLarge: (message = 'Request body too large') =>
    new AppError(413, 'PAYLOAD_TOO_LARGE', message),
  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    new AppError(429, 'RATE_LIMITED', message, {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
      details: { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) },
    }),
  /** A dependency (or the service itself) cannot serve this now: retry after a short wait. */
  unavailable: (message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) => {
    const seconds = Math.max(1, Math.ceil(options.retryAfterSeconds ?? 2));
    return new AppError(503, 'UNAVAILABLE', message, {
      headers: { 'retry-after': String(seconds) },
      cause: options.cause,
    });
  },
} as const;

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
