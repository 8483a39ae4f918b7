import { ConfigError, parseConfig } from '@falablau/common';
import { archiveEnvSchema, databaseFromUri } from './config.js';

const minimal = {
  MONGO_URI: 'mongodb://127.0.0.1:27017/falablau',
  KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
};

describe('archive config', () => {
  test('when only the servers are given, then the documented defaults apply', () => {
    expect(parseConfig(archiveEnvSchema, minimal)).toMatchObject({
      port: 5002,
      host: '0.0.0.0',
      logLevel: 'info',
      mongo: { uri: minimal.MONGO_URI, database: 'falablau' },
      kafkaBrokers: ['127.0.0.1:9092'],
      jwt: {
        jwksUrl: 'http://localhost:5000/.well-known/jwks.json',
        issuer: 'falablau-auth',
        audience: 'falablau',
      },
      retention: { ttlDays: 365, sweepIntervalMs: 3_600_000 },
      trustProxy: false,
      ingest: {
        enabled: true,
        topic: 'chat.messages.v1',
        groupId: 'archive',
        fromBeginning: true,
        sessionTimeoutMs: 30_000,
        fetchMinBytes: 65_536,
        fetchMaxWaitMs: 250,
        concurrency: 4,
      },
    });
  });

  test('when INGEST_CONCURRENCY is set, then it is parsed; out of range, then refused', () => {
    expect(
      parseConfig(archiveEnvSchema, { ...minimal, INGEST_CONCURRENCY: '12' }).ingest,
    ).toMatchObject({ concurrency: 12 });
    for (const bad of ['0', '65', '2.5', 'many']) {
      expect(() => parseConfig(archiveEnvSchema, { ...minimal, INGEST_CONCURRENCY: bad })).toThrow(
        ConfigError,
      );
    }
  });

  test('when values are set, then they are parsed', () => {
    const config = parseConfig(archiveEnvSchema, {
      ...minimal,
      PORT: '7002',
      ARCHIVE_TTL_DAYS: '30',
      AUTH_SERVICE_URL: 'http://gateway/api/auth/',
      MONGO_DATABASE: 'archive',
      INGEST_START: 'latest',
      RETENTION_SWEEP_INTERVAL: '10m',
      TRUST_PROXY: 'true',
    });
    expect(config).toMatchObject({
      port: 7002,
      retention: { ttlDays: 30, sweepIntervalMs: 600_000 },
      jwt: { jwksUrl: 'http://gateway/api/auth/.well-known/jwks.json' },
      mongo: { database: 'archive' },
      ingest: { fromBeginning: false },
      trustProxy: true,
    });
  });

  test('when ingest is off, then Kafka is not required', () => {
    const config = parseConfig(archiveEnvSchema, {
      MONGO_URI: minimal.MONGO_URI,
      INGEST_ENABLED: 'false',
    });
    expect(config.ingest.enabled).toBe(false);
    expect(config.kafkaBrokers).toEqual([]);
  });

  test('when values are missing or wrong, then every problem is reported at once', () => {
    let error: unknown;
    try {
      parseConfig(archiveEnvSchema, {
        MONGO_URI: 'postgres://nope',
        ARCHIVE_TTL_DAYS: '0',
        INGEST_START: 'middle',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect(issues).toMatch(/MONGO_URI/);
    expect(issues).toMatch(/ARCHIVE_TTL_DAYS/);
    expect(issues).toMatch(/INGEST_START/);
  });

  test('when ingest is on without Kafka, then the configuration is refused', () => {
    expect(() => parseConfig(archiveEnvSchema, { MONGO_URI: minimal.MONGO_URI })).toThrow(
      /KAFKA_BOOTSTRAP_SERVERS/,
    );
  });

  test.each([
    ['mongodb://h:1/db', 'db'],
    ['mongodb://u:p@h1:1,h2:2/falablau?replicaSet=rs0', 'falablau'],
    ['mongodb+srv://cluster.example.com/archive', 'archive'],
    ['mongodb://h:1', undefined],
    ['mongodb://h:1/?tls=true', undefined],
  ])('when MONGO_URI is %s, then the database is %s', (uri, database) => {
    expect(databaseFromUri(uri)).toBe(database);
  });
});
