import { ConfigError, parseConfig } from '@falablau/common';
import { chatEnvSchema } from '../config.js';

const required = {
  DATABASE_URL: 'postgres://chat:secret@db:5432/falablau',
  KAFKA_BOOTSTRAP_SERVERS: 'kafka-0:9092',
};

function issuesOf(env: Record<string, string>): string[] {
  try {
    parseConfig(chatEnvSchema, { ...required, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('archive configuration', () => {
  test('when ARCHIVE_SERVICE_URL is not set, then there is no archive, even with a secret', () => {
    expect(parseConfig(chatEnvSchema, required).archive).toBeUndefined();
    const withSecret = parseConfig(chatEnvSchema, { ...required, SERVICE_CLIENT_SECRET: 's' });
    expect(withSecret.archive).toBeUndefined();
  });

  test('when ARCHIVE_SERVICE_URL and the secret are set, then the defaults apply', () => {
    const config = parseConfig(chatEnvSchema, {
      ...required,
      ARCHIVE_SERVICE_URL: 'http://archive:5002/',
      AUTH_SERVICE_URL: 'http://gateway:8080/api/auth/',
      SERVICE_CLIENT_SECRET: 'chat-secret',
    });
    expect(config.archive).toEqual({
      url: 'http://archive:5002',
      tokenEndpoint: 'http://gateway:8080/api/auth/oauth/token',
      clientId: 'chat-service',
      clientSecret: 'chat-secret',
      hotRetentionMs: 7 * 86_400_000,
      moveIntervalMs: 60_000,
      moveBatchSize: 500,
      requestTimeoutMs: 10_000,
    });
  });

  test('when the tunables are set, then they are parsed', () => {
    const config = parseConfig(chatEnvSchema, {
      ...required,
      ARCHIVE_SERVICE_URL: 'https://archive.internal',
      SERVICE_CLIENT_ID: 'chat-eu',
      SERVICE_CLIENT_SECRET: 'chat-secret',
      HOT_RETENTION_DAYS: '30',
      ARCHIVE_MOVE_INTERVAL: '30s',
      ARCHIVE_MOVE_BATCH: '1000',
      ARCHIVE_REQUEST_TIMEOUT: '2s',
    });
    expect(config.archive).toMatchObject({
      clientId: 'chat-eu',
      hotRetentionMs: 30 * 86_400_000,
      moveIntervalMs: 30_000,
      moveBatchSize: 1000,
      requestTimeoutMs: 2_000,
    });
  });

  test('when ARCHIVE_SERVICE_URL is set without a secret, then start-up fails naming SERVICE_CLIENT_SECRET', () => {
    const issues = issuesOf({ ARCHIVE_SERVICE_URL: 'http://archive:5002' });
    expect(issues.join('\n')).toMatch(/SERVICE_CLIENT_SECRET/);
  });

  test.each([
    ['ARCHIVE_MOVE_BATCH', '1001'],
    ['ARCHIVE_MOVE_BATCH', '0'],
    ['HOT_RETENTION_DAYS', '0'],
    ['ARCHIVE_MOVE_INTERVAL', 'soon'],
    ['ARCHIVE_SERVICE_URL', 'ftp://archive'],
  ])('when %s is %p, then start-up fails naming it', (name, value) => {
    const issues = issuesOf({ [name]: value, SERVICE_CLIENT_SECRET: 'chat-secret' });
    expect(issues.join('\n')).toContain(name);
  });
});
