// Per-user limit on creating rooms (POST /rooms): room names are a shared namespace and every
// room lands in everybody's room list, so a script creating rooms in a loop is a nuisance to all
// users. Counted like the socket limits (rate-limiter-flexible): in Redis when the service has it,
// so the limit holds cluster-wide whichever replica gets the request, with an in-memory insurance
// limiter while Redis is unreachable; in memory otherwise (standalone). Over the limit: 429
// RATE_LIMITED with Retry-After, before anything is stored.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { errors } from '@falablau/common';
import { rateLimit, type RateLimit } from '../realtime/realtime.config.js';

/** The default of ROOM_CREATE_RATE_LIMIT: generous for people, a wall for loops. */
export const DEFAULT_ROOM_CREATE_RATE_LIMIT = '10/60s';

export const roomsEnvShape = {
  /** POST /rooms per user, cluster-wide: `rooms/whole seconds`. */
  ROOM_CREATE_RATE_LIMIT: rateLimit(DEFAULT_ROOM_CREATE_RATE_LIMIT),
} as const;

export interface RoomCreationLimiter {
  /** Counts one room creation of `userId`; AppError 429 with Retry-After over the limit. */
  consume(userId: string): Promise<void>;
}

export interface RoomCreationLimiterOptions {
  limit: RateLimit;
  /** Absent: counted in this process's memory. */
  redis?: Redis;
  /** The deployment's Redis key prefix (SOCKET_REDIS_KEY_PREFIX), shared with the socket limits. */
  keyPrefix: string;
}

export function createRoomCreationLimiter({
  limit,
  redis,
  keyPrefix,
}: RoomCreationLimiterOptions): RoomCreationLimiter {
  const options = {
    points: limit.points,
    duration: limit.durationMs / 1_000,
    keyPrefix: `${keyPrefix}:rl:rooms`,
  };
  const memory = new RateLimiterMemory(options);
  const limiter = redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory })
    : memory;

  return {
    async consume(userId) {
      try {
        await limiter.consume(userId);
      } catch (rejection) {
        // The limiter rejects with its result when the limit is hit, with an Error otherwise.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw errors.tooManyRequests(
          'Too many rooms created: try again later',
          rejection.msBeforeNext / 1_000,
        );
      }
    },
  };
}
