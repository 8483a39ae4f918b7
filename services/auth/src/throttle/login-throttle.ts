// Per-account login throttling: at most N failed attempts per account per window, counted in
// Postgres (rate-limiter-flexible's RateLimiterPostgres) so every replica shares the count.
// Each attempt takes a point up front — an atomic upsert, so a burst of parallel guesses cannot
// slip past the limit — and a successful login gives its point back: only failures count.
import type pg from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { errors } from '@falablau/common';

export interface LoginThrottle {
  /** Counts an attempt for `username`; 429 with Retry-After when the account is locked. */
  begin: (username: string) => Promise<void>;
  /** The attempt succeeded: it does not count against the account. */
  succeeded: (username: string) => Promise<void>;
}

export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
}

const keyOf = (username: string) => username.toLowerCase();

export function createLoginThrottle(limiter: RateLimiterAbstract): LoginThrottle {
  return {
    begin: async (username) => {
      try {
        await limiter.consume(keyOf(username));
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          throw errors.tooManyRequests(
            'Too many failed login attempts for this account; try again later',
            rejection.msBeforeNext / 1000,
          );
        }
        throw errors.unavailable('Login is temporarily unavailable');
      }
    },
    succeeded: async (username) => {
      await limiter.reward(keyOf(username), 1);
    },
  };
}

/** The shared, Postgres-backed limiter used in the cluster (table from migration 0003). */
export function createPostgresLoginLimiter(
  pool: pg.Pool,
  schema: string,
  { maxFailures, windowMs }: LoginLimiterOptions,
): RateLimiterAbstract {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    schemaName: schema,
    tableName: 'login_failures',
    tableCreated: true,
    keyPrefix: 'login',
    points: maxFailures,
    duration: Math.ceil(windowMs / 1000),
  });
}

/** An in-process limiter for a single process (standalone mode). */
export function createMemoryLoginLimiter({
  maxFailures,
  windowMs,
}: LoginLimiterOptions): RateLimiterAbstract {
  return new RateLimiterMemory({
    keyPrefix: 'login',
    points: maxFailures,
    duration: Math.ceil(windowMs / 1000),
  });
}
