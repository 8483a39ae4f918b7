// The realtime tunables: their environment variables (a zod shape src/config.ts spreads into the
// service's schema) and the typed object createRealtime receives.
import { envSchemas } from '@falablau/common';
import { z } from 'zod';

export interface RateLimit {
  points: number;
  durationMs: number;
}

export interface RealtimeConfig {
  /** How often this process re-announces its users on chat.sessions.v1. */
  presenceHeartbeatMs: number;
  /** Others drop this process's users when they have not heard from it for this long. */
  presenceLeaseMs: number;
  /** A user whose last socket closed stays present this long (reconnects do not flash). */
  presenceOfflineGraceMs: number;
  /** Repeated typing events of one user in one room are forwarded at most this often. */
  typingThrottleMs: number;
  rateLimits: { messages: RateLimit; typing: RateLimit; joins: RateLimit };
  /** Prefix of the Socket.IO adapter channels and rate-limit keys in Redis. */
  redisKeyPrefix: string;
  /** How long a revoked session's (still unexpired) tokens are refused at the handshake. */
  revokedSessionTtlMs: number;
}

/** `20/10s`: 20 events per 10 seconds (whole seconds, as the limiter stores them). */
export const rateLimit = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx): RateLimit => {
      const match = /^(\d+)\s*\/\s*(\S+)$/.exec(value);
      const points = Number(match?.[1]);
      const duration = envSchemas.duration('0s').safeParse(match?.[2] ?? 'not a duration');
      const durationMs = duration.success ? duration.data : Number.NaN;
      if (!(points > 0) || !(durationMs >= 1_000) || durationMs % 1_000 !== 0) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not a rate such as 20/10s (events / whole seconds)`,
        });
        return z.NEVER;
      }
      return { points, durationMs };
    });

export const realtimeEnvShape = {
  /** How often this process re-announces its sockets on chat.sessions.v1. */
  PRESENCE_HEARTBEAT_INTERVAL: envSchemas.duration('10s'),
  /** Silence after which a process's users count as gone (≥ 2 heartbeats; 3 by default). */
  PRESENCE_LEASE: envSchemas.duration('30s'),
  /** A user stays online this long after their last socket closed, in case they reconnect. */
  PRESENCE_OFFLINE_GRACE: envSchemas.duration('3s'),
  /** Minimum time between two forwarded typing events of one user in one room. */
  TYPING_THROTTLE: envSchemas.duration('500ms'),
  /** send_message per user, cluster-wide. */
  SOCKET_RATE_LIMIT_MESSAGES: rateLimit('20/10s'),
  /** typing per user, cluster-wide. */
  SOCKET_RATE_LIMIT_TYPING: rateLimit('10/5s'),
  /** join_room and leave_room per user, cluster-wide. */
  SOCKET_RATE_LIMIT_JOINS: rateLimit('30/10s'),
  /** Redis key prefix of the Socket.IO adapter and the rate limiters (one per deployment). */
  SOCKET_REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, 'use 1-64 characters from [A-Za-z0-9_.:-]')
    .default('falablau:chat'),
  /** Keep refusing a revoked session's tokens this long (≥ the access-token lifetime). */
  REVOKED_SESSION_TTL: envSchemas.duration('20m'),
} as const;

const realtimeEnvSchema = z.object(realtimeEnvShape);
export type RealtimeEnv = z.output<typeof realtimeEnvSchema>;

export function toRealtimeConfig(env: RealtimeEnv): RealtimeConfig {
  return {
    presenceHeartbeatMs: env.PRESENCE_HEARTBEAT_INTERVAL,
    presenceLeaseMs: env.PRESENCE_LEASE,
    presenceOfflineGraceMs: env.PRESENCE_OFFLINE_GRACE,
    typingThrottleMs: env.TYPING_THROTTLE,
    rateLimits: {
      messages: env.SOCKET_RATE_LIMIT_MESSAGES,
      typing: env.SOCKET_RATE_LIMIT_TYPING,
      joins: env.SOCKET_RATE_LIMIT_JOINS,
    },
    redisKeyPrefix: env.SOCKET_REDIS_KEY_PREFIX,
    revokedSessionTtlMs: env.REVOKED_SESSION_TTL,
  };
}

/** The realtime variables alone, parsed into a RealtimeConfig (tests; standalone use). */
export const realtimeConfigSchema = realtimeEnvSchema.transform(toRealtimeConfig);

/** Cross-field rules the per-variable schemas cannot express; createRealtime enforces them. */
export function assertRealtimeConfig(config: RealtimeConfig): void {
  if (config.presenceLeaseMs < 2 * config.presenceHeartbeatMs) {
    throw new Error(
      `PRESENCE_LEASE (${config.presenceLeaseMs} ms) must be at least twice ` +
        `PRESENCE_HEARTBEAT_INTERVAL (${config.presenceHeartbeatMs} ms): one lost heartbeat ` +
        'must not show a live process offline',
    );
  }
}
