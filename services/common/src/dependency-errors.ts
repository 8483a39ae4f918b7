// Errors that mean "a server this request needs is unreachable right now" (Postgres restarting or
// refusing connections, the pool unable to hand out a connection in time, Kafka, Redis or MongoDB
// unreachable). They are not bugs and say nothing about the request: the answer is 503 with
// Retry-After (and `UNAVAILABLE` on a socket), so clients retry instead of giving up on a 500.
//
// Recognised by shape (code, name, message), never by `instanceof`: the drivers' classes may come
// from another copy of the package, and Node's own errors from another realm under Jest's VM.
import { AppError, errors } from './errors.js';

/** How long clients are asked to wait before retrying (the `Retry-After` of these 503s). */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 2;

/** Socket-level failures (Node's `net`/`dns` codes): the peer is down or unreachable. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTCONN',
  'EAI_AGAIN',
]);

/**
 * Postgres SQLSTATEs: class 08 (connection exception) is matched by prefix; besides it, the server
 * shutting down (`57P01` admin, `57P02` crash), still starting (`57P03`) or full (`53300`).
 */
const pgStates = new Set(['57P01', '57P02', '57P03', '53300']);

/** Error names of the drivers for a server that cannot be reached or answered too late. */
const unavailableNames = new Set([
  // kafkajs
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  // the EventBus: a publish that did not complete within its deadline
  'EventBusTimeoutError',
  // ioredis: the command gave up while reconnecting
  'MaxRetriesPerRequestError',
  // mongodb
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
]);

/** Messages of `pg` (which uses plain Errors for these) and ioredis. */
const unavailableMessages = [
  /timeout exceeded when trying to connect/i, // pg pool: no connection within connectionTimeoutMillis
  /^Connection terminated/i, // pg: the server closed the connection (restart, admin shutdown)
  /Client has encountered a connection error and is not queryable/i, // pg: a broken client reused
  /^Connection is closed\.?$/i, // ioredis
  /Stream isn't writeable and enableOfflineQueue options is false/i, // ioredis
];

function field(error: object, name: string): unknown {
  return (error as Record<string, unknown>)[name];
}

function matchesItself(error: object): boolean {
  const code = field(error, 'code');
  if (typeof code === 'string') {
    if (networkCodes.has(code) || pgStates.has(code)) return true;
    // A 5-character SQLSTATE of class 08; the `severity` field tells a Postgres error apart.
    if (/^08[0-9A-Z]{3}$/.test(code) && typeof field(error, 'severity') === 'string') return true;
  }
  const name = field(error, 'name');
  if (typeof name === 'string' && unavailableNames.has(name)) return true;
  const message = field(error, 'message');
  return typeof message === 'string' && unavailableMessages.some((re) => re.test(message));
}

/**
 * True when `error`, or anything it wraps (`cause`, kafkajs' `originalError`, the `errors` of an
 * AggregateError such as Node's failed multi-address connect), says a dependency is unavailable.
 */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 6) return false;
  if (error instanceof AppError) return false;
  if (matchesItself(error)) return true;
  const nested = [field(error, 'cause'), field(error, 'originalError')];
  const inner = field(error, 'errors');
  if (Array.isArray(inner)) nested.push(...(inner as unknown[]));
  return nested.some((e) => isDependencyUnavailable(e, depth + 1));
}

/** The 503 `UNAVAILABLE` (with Retry-After) for a dependency error; undefined for anything else. */
export function dependencyUnavailable(error: unknown): AppError | undefined {
  if (!isDependencyUnavailable(error)) return undefined;
  return errors.unavailable('A service this request needs is unavailable: retry shortly', {
    retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
    cause: error,
  });
}
