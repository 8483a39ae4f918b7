// The single error path for HTTP: every failure becomes `{ error: { code, message, details? } }`.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { DEPENDENCY_RETRY_AFTER_SECONDS, dependencyUnavailable } from '../dependency-errors.js';
import { AppError, errors } from '../errors.js';

/** Maps Fastify's own errors (raised before our handlers run) onto AppErrors. */
function fromFastifyError(err: FastifyError): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError(400, 'MALFORMED_JSON', 'Request body is not valid JSON');
    default:
      break;
  }
  // JSON.parse failures and prototype-poisoning rejections carry statusCode 400.
  if (
    err.statusCode === 400 &&
    (err instanceof SyntaxError || /JSON|__proto__|constructor/i.test(err.message))
  ) {
    return new AppError(400, 'MALFORMED_JSON', 'Request body is not valid JSON');
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError(err.statusCode, 'BAD_REQUEST', err.message);
  }
  return undefined;
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  // Postgres, Kafka, Redis or MongoDB unreachable: 503 with Retry-After, never a 500.
  const unavailable = dependencyUnavailable(err);
  if (unavailable) return unavailable;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      path: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'invalid',
    }));
    return errors.validation(
      `Invalid ${err.validationContext ?? 'request'}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  }
  if (isResponseSerializationError(err)) return undefined;
  if (typeof err === 'object' && err !== null && 'statusCode' in err) {
    return fromFastifyError(err as FastifyError);
  }
  return undefined;
}

export async function errorHandler(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const appError = toAppError(err);
  if (appError) {
    // A dependency outage is operational (warn); any other 5xx deserves attention (error).
    if (appError.statusCode === 503) request.log.warn({ err }, appError.message);
    else if (appError.statusCode >= 500) request.log.error({ err }, appError.message);
    // Every 503 tells the client when to come back, whoever raised it.
    const headers =
      appError.statusCode === 503 && !('retry-after' in appError.headers)
        ? { ...appError.headers, 'retry-after': String(DEPENDENCY_RETRY_AFTER_SECONDS) }
        : appError.headers;
    await reply.code(appError.statusCode).headers(headers).send(appError.toBody());
    return;
  }
  request.log.error({ err }, 'unhandled error');
  await reply.code(500).send(new AppError(500, 'INTERNAL', 'Internal server error').toBody());
}

export async function notFoundHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await reply
    .code(404)
    .send(
      errors.notFound(`No route for ${request.method} ${request.url.split('?')[0] ?? ''}`).toBody(),
    );
}
