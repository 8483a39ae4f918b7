import { ConfigError, parseConfig } from '@falablau/common';
import { chatEnvSchema } from './config.js';

const required = {
  DATABASE_URL: 'postgres://chat:secret@db:5432/falablau',
  KAFKA_BOOTSTRAP_SERVERS: 'kafka-0:9092, kafka-1:9092',
};

describe('chat configuration', () => {
  test('when only the required variables are set, then the defaults apply', () => {
    const config = parseConfig(chatEnvSchema, required);
    expect(config).toMatchObject({
      port: 5001,
      host: '0.0.0.0',
      redisUrl: undefined,
      kafkaBrokers: ['kafka-0:9092', 'kafka-1:9092'],
      jwt: {
        jwksUrl: 'http://localhost:5000/.well-known/jwks.json',
        issuer: 'falablau-auth',
        audience: 'falablau',
      },
      corsOrigins: [],
      membershipCacheTtlMs: 5_000,
      outbox: { batchSize: 200, intervalMs: 1_000, lingerMs: 50, maxBackoffMs: 30_000 },
    });
    expect(config.instanceId).toMatch(/-\d+$/);
    expect(config.realtime.presenceHeartbeatMs).toBeGreaterThan(0);
  });

  test('when AUTH_SERVICE_URL has a path, then the JWKS URL keeps it', () => {
    const config = parseConfig(chatEnvSchema, {
      ...required,
      AUTH_SERVICE_URL: 'http://gateway:8080/api/auth/',
    });
    expect(config.jwt.jwksUrl).toBe('http://gateway:8080/api/auth/.well-known/jwks.json');
  });

  test('when variables are set, then they are parsed into typed values', () => {
    const config = parseConfig(chatEnvSchema, {
      ...required,
      PORT: '6001',
      REDIS_URL: 'redis://redis:6379',
      CORS_ORIGINS: 'http://a.test, http://b.test',
      INSTANCE_ID: 'chat-7d9f-abc',
      OUTBOX_INTERVAL: '250ms',
      TRUST_PROXY: 'true',
    });
    expect(config).toMatchObject({
      port: 6001,
      redisUrl: 'redis://redis:6379',
      corsOrigins: ['http://a.test', 'http://b.test'],
      instanceId: 'chat-7d9f-abc',
      trustProxy: true,
      outbox: { intervalMs: 250 },
    });
  });

  test('when variables are missing or malformed, then every problem is reported at once', () => {
    let error: unknown;
    try {
      parseConfig(chatEnvSchema, {
        REDIS_URL: 'http://not-redis',
        PORT: 'seventy',
        OUTBOX_BATCH_SIZE: '0',
        INSTANCE_ID: 'has spaces',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    for (const name of [
      'DATABASE_URL',
      'KAFKA_BOOTSTRAP_SERVERS',
      'REDIS_URL',
      'PORT',
      'OUTBOX_BATCH_SIZE',
      'INSTANCE_ID',
    ]) {
      expect(issues).toContain(name);
    }
  });
});
