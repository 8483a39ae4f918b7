import { ConfigError } from '@falablau/common';
import { parseStandaloneConfig } from './config.js';

describe('parseStandaloneConfig', () => {
  test('when nothing is set, then it serves :8080 on every interface with ./data next to where npm ran', () => {
    const config = parseStandaloneConfig({}, '/home/me/falablau');
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/home/me/falablau/data',
      publicUrl: undefined,
      webDist: undefined,
      pgSharedBuffers: '16MB',
    });
    expect(config.auth.jwt).toMatchObject({
      keysDir: '/home/me/falablau/data/keys',
      allowGenerate: true,
    });
    expect(config.chat.corsOrigins).toEqual([]);
  });

  test('when service tunables are set, then they reach the services under their cluster names', () => {
    const config = parseStandaloneConfig(
      {
        HOT_RETENTION_DAYS: '2',
        ARCHIVE_TTL_DAYS: '30',
        ADMIN_USERNAMES: 'ana, bo',
        CORS_ORIGINS: 'http://localhost:5173',
        ACCESS_TOKEN_TTL: '5m',
        SOCKET_RATE_LIMIT_MESSAGES: '5/10s',
        DATA_DIR: '/var/lib/falablau',
        WEB_DIST: 'web/dist',
        PUBLIC_URL: 'https://chat.example.com/',
      },
      '/srv',
    );
    expect(config.chat.archive?.hotRetentionMs).toBe(2 * 86_400_000);
    expect(config.archive.retention.ttlDays).toBe(30);
    expect(config.auth.adminUsernames).toEqual(['ana', 'bo']);
    expect(config.auth.accessTokenTtlMs).toBe(300_000);
    expect(config.chat.corsOrigins).toEqual(['http://localhost:5173']);
    expect(config.chat.realtime.rateLimits.messages).toEqual({ points: 5, durationMs: 10_000 });
    expect(config.dataDir).toBe('/var/lib/falablau');
    expect(config.webDist).toBe('/srv/web/dist');
    expect(config.publicUrl).toBe('https://chat.example.com');
  });

  test('when the environment names cluster servers or keys, then standalone ignores them', () => {
    const config = parseStandaloneConfig(
      {
        DATABASE_URL: 'postgres://db.cluster/falablau',
        KAFKA_BOOTSTRAP_SERVERS: 'kafka:9092',
        REDIS_URL: 'redis://redis:6379',
        JWT_PRIVATE_KEY_FILE: '/secrets/key.pem',
        NODE_ENV: 'production',
        PORT: '9000',
      },
      '/srv',
    );
    expect(config.port).toBe(9000);
    expect(config.chat.redisUrl).toBeUndefined();
    expect(config.auth.jwt.privateKeyFile).toBeUndefined();
    expect(config.auth.jwt.allowGenerate).toBe(true);
  });

  test('when several values are wrong, then one error names all of them', () => {
    let error: unknown;
    try {
      parseStandaloneConfig(
        { PORT: 'eighty', HOT_RETENTION_DAYS: '0', LOGIN_MAX_FAILURES: '-1' },
        '/',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect(issues).toContain('PORT');
    expect(issues).toContain('HOT_RETENTION_DAYS');
    expect(issues).toContain('LOGIN_MAX_FAILURES');
  });
});
