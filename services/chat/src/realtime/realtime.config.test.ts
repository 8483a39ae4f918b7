import { parseConfig } from '@falablau/common';
import { assertRealtimeConfig, realtimeConfigSchema } from './realtime.config.js';

describe('realtime config', () => {
  test('when nothing is set, then the documented defaults apply', () => {
    const config = parseConfig(realtimeConfigSchema, {});
    expect(config).toEqual({
      presenceHeartbeatMs: 10_000,
      presenceLeaseMs: 30_000,
      presenceOfflineGraceMs: 3_000,
      typingThrottleMs: 500,
      rateLimits: {
        messages: { points: 20, durationMs: 10_000 },
        typing: { points: 10, durationMs: 5_000 },
        joins: { points: 30, durationMs: 10_000 },
      },
      redisKeyPrefix: 'falablau:chat',
      revokedSessionTtlMs: 1_200_000,
    });
    expect(() => {
      assertRealtimeConfig(config);
    }).not.toThrow();
  });

  test('when a rate is given as events/duration, then it is parsed', () => {
    const config = parseConfig(realtimeConfigSchema, { SOCKET_RATE_LIMIT_MESSAGES: '5 / 1m' });
    expect(config.rateLimits.messages).toEqual({ points: 5, durationMs: 60_000 });
  });

  test.each([['20'], ['0/10s'], ['20/500ms'], ['20/1.5s'], ['x/10s'], ['20/ever']])(
    'when a rate is %s, then the configuration is refused',
    (value) => {
      expect(() => parseConfig(realtimeConfigSchema, { SOCKET_RATE_LIMIT_TYPING: value })).toThrow(
        /SOCKET_RATE_LIMIT_TYPING/,
      );
    },
  );

  test('when the lease is shorter than two heartbeats, then createRealtime refuses it', () => {
    const config = parseConfig(realtimeConfigSchema, {
      PRESENCE_HEARTBEAT_INTERVAL: '10s',
      PRESENCE_LEASE: '15s',
    });
    expect(() => {
      assertRealtimeConfig(config);
    }).toThrow(/PRESENCE_LEASE/);
  });
});
