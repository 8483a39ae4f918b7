import { ConfigError, parseConfig } from '@falablau/common';
import { authEnvSchema } from './config.js';

const minimal = {
  DATABASE_URL: 'postgres://falablau@127.0.0.1:5432/falablau',
  KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
};

describe('auth config', () => {
  test('when only the servers are given, then the documented defaults apply', () => {
    const config = parseConfig(authEnvSchema, minimal);
    expect(config).toMatchObject({
      port: 5000,
      accessTokenTtlMs: 15 * 60_000,
      refreshTokenTtlMs: 30 * 24 * 3_600_000,
      refreshReuseGraceMs: 10_000,
      loginThrottle: { maxFailures: 100, windowMs: 3_600_000 },
      trustProxy: false,
      adminUsernames: [],
      jwt: {
        issuer: 'falablau-auth',
        audience: 'falablau',
        keysDir: './data/keys',
        allowGenerate: true,
      },
    });
  });

  test('when values are set, then they are parsed', () => {
    const config = parseConfig(authEnvSchema, {
      ...minimal,
      PORT: '6000',
      ACCESS_TOKEN_TTL: '5m',
      ADMIN_USERNAMES: 'alice, Bob',
      TRUST_PROXY: 'true',
    });
    expect(config).toMatchObject({
      port: 6000,
      accessTokenTtlMs: 300_000,
      adminUsernames: ['alice', 'Bob'],
      trustProxy: true,
    });
  });

  test('when production has no signing key, then start-up fails naming every problem', () => {
    expect(() =>
      parseConfig(authEnvSchema, { NODE_ENV: 'production', ACCESS_TOKEN_TTL: 'soon' }),
    ).toThrow(ConfigError);
    try {
      parseConfig(authEnvSchema, { NODE_ENV: 'production', ACCESS_TOKEN_TTL: 'soon' });
    } catch (error) {
      const { issues } = error as ConfigError;
      expect(issues.join('\n')).toMatch(/DATABASE_URL/);
      expect(issues.join('\n')).toMatch(/KAFKA_BOOTSTRAP_SERVERS/);
      expect(issues.join('\n')).toMatch(/ACCESS_TOKEN_TTL/);
    }
    expect(() => parseConfig(authEnvSchema, { ...minimal, NODE_ENV: 'production' })).toThrow(
      /JWT_PRIVATE_KEY/,
    );
    expect(
      parseConfig(authEnvSchema, {
        ...minimal,
        NODE_ENV: 'production',
        JWT_PRIVATE_KEY_FILE: '/run/key.pem',
      }).jwt.allowGenerate,
    ).toBe(false);
  });
});
