// Per-user limits on socket events. With Redis they are counted in Redis, so a user cannot
// multiply the allowance by opening sockets on several pods; without Redis (standalone) the
// count lives in memory. Should Redis fail, each pod falls back to counting in memory (the
// insurance limiter) rather than refusing every message or letting everything through.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimit, RealtimeConfig } from './realtime.config.js';
import { AckFailure } from './acks.js';

export type LimitedAction = keyof RealtimeConfig['rateLimits'];

export interface RateLimits {
  /** Counts one event of `userId`; throws AckFailure RATE_LIMITED over the limit. */
  consume(action: LimitedAction, userId: string): Promise<void>;
}

const describe: Record<LimitedAction, string> = {
  messages: 'Too many messages',
  typing: 'Too many typing events',
  joins: 'Too many joins and leaves',
};

export interface RateLimitsOptions {
  limits: RealtimeConfig['rateLimits'];
  /** Absent: counted in this process's memory. */
  redis?: Redis;
  keyPrefix: string;
}

export function createRateLimits({ limits, redis, keyPrefix }: RateLimitsOptions): RateLimits {
  const build = (action: LimitedAction, { points, durationMs }: RateLimit) => {
    const options = {
      points,
      duration: durationMs / 1_000,
      keyPrefix: `${keyPrefix}:rl:${action}`,
    };
    const memory = new RateLimiterMemory(options);
    return redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory })
      : memory;
  };
  const limiters = {
    messages: build('messages', limits.messages),
    typing: build('typing', limits.typing),
    joins: build('joins', limits.joins),
  };

  return {
    async consume(action, userId) {
      try {
        await limiters[action].consume(userId);
      } catch (rejection) {
        // The limiter rejects with its result when the limit is hit, with an Error otherwise.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000));
        throw new AckFailure('RATE_LIMITED', `${describe[action]}: try again in ${seconds} s`);
      }
    },
  };
}
