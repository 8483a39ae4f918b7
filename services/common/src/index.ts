export { ConfigError, envSchemas, parseConfig, type Env } from './config.js';
export { AppError, errors, isAppError, type AppErrorOptions, type ErrorBody } from './errors.js';
export {
  DEPENDENCY_RETRY_AFTER_SECONDS,
  dependencyUnavailable,
  isDependencyUnavailable,
} from './dependency-errors.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { createMetrics, type Metrics, type MetricsOptions } from './metrics.js';
export { runService, type ServiceRunner } from './lifecycle.js';
export { createHttpApp, type HttpApp, type HttpAppOptions } from './http/create-http-app.js';
export { toAppError } from './http/error-handler.js';
export type { ReadinessCheck } from './http/ops.routes.js';
export * from './db/index.js';
export * from './jwt/index.js';
export * from './topics/chat-sessions.topic.js';
export * from './topics/chat-messages.topic.js';
export * from './events/index.js';
export * from './jwt/service-token.js';
