// The HTTP shell every service shares: zod-validated routes, one error path, request ids,
// HTTP metrics, OpenAPI, and the /health, /ready and /metrics endpoints.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { registerOpsRoutes, type ReadinessCheck } from './ops.routes.js';

export type HttpApp = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  Logger,
  ZodTypeProvider
>;

export interface HttpAppOptions {
  name: string;
  logger: Logger;
  metrics: Metrics;
  readiness?: ReadinessCheck[];
  /** Largest accepted request body in bytes; bigger bodies get 413 before parsing. */
  bodyLimit?: number;
  /** Trust X-Forwarded-* from the ingress so rate limits see the client's address. */
  trustProxy?: boolean | string | string[];
  openapi: { title: string; version: string; description: string };
  /** Prefix under which the service's routes are also reachable (e.g. `/api/auth` behind the standalone gateway). */
  serverUrl?: string;
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

/**
 * Errors the router raises before any route or error handler runs (a malformed URL, a path
 * parameter over maxParamLength — Fastify's own answer was an undocumented 414 in its own body
 * shape): a 400 in the error body every route with path parameters documents.
 */
function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path parameter is too long'
      : 'The URL is not valid';
  void reply.code(400).send(errors.validation(message).toBody());
}

export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    // One log line per request comes from our onResponse hook (with the route and duration).
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    bodyLimit: options.bodyLimit ?? 16 * 1024,
    trustProxy: options.trustProxy ?? false,
    // Accept a caller's request id only when it is well-formed; otherwise mint one.
    genReqId: (req) => {
      const header = req.headers['x-request-id'];
      return typeof header === 'string' && requestIdPattern.test(header) ? header : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: undefined,
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: options.openapi,
      servers: options.serverUrl ? [{ url: options.serverUrl }] : [],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    options.metrics.httpRequestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    const quiet = route === '/health' || route === '/ready' || route === '/metrics';
    request.log[quiet ? 'debug' : 'info'](
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });

  registerOpsRoutes(app, {
    name: options.name,
    metrics: options.metrics,
    readiness: options.readiness ?? [],
  });
  return app;
}
