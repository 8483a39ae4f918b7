import { z } from 'zod';
import { ConfigError, envSchemas, parseConfig } from './config.js';

const schema = z.object({
  PORT: envSchemas.port(5000),
  LOG_LEVEL: envSchemas.logLevel,
  TTL: envSchemas.duration('15m'),
  KAFKA_BOOTSTRAP_SERVERS: envSchemas.kafkaBrokers,
  DATABASE_URL: envSchemas.postgresUrl,
  CORS_ORIGINS: envSchemas.list.default([]),
  TRUST_PROXY: envSchemas.boolean(false),
});

const valid = {
  KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092, kafka-2:9093',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
};

describe('parseConfig', () => {
  it('when variables are valid, then it returns typed values with defaults applied', () => {
    const config = parseConfig(schema, {
      ...valid,
      TTL: '30d',
      CORS_ORIGINS: 'http://a, http://b',
    });
    expect(config).toEqual({
      PORT: 5000,
      LOG_LEVEL: 'info',
      TTL: 30 * 24 * 3600 * 1000,
      KAFKA_BOOTSTRAP_SERVERS: ['127.0.0.1:9092', 'kafka-2:9093'],
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      CORS_ORIGINS: ['http://a', 'http://b'],
      TRUST_PROXY: false,
    });
  });

  it('when a duration default is used, then it is parsed like a variable', () => {
    expect(parseConfig(schema, valid).TTL).toBe(15 * 60 * 1000);
  });

  it('when an empty string is given, then the default applies', () => {
    expect(parseConfig(schema, { ...valid, PORT: '' }).PORT).toBe(5000);
  });

  it('when several variables are wrong, then one error names every one of them', () => {
    let caught: unknown;
    try {
      parseConfig(schema, {
        PORT: '70000',
        LOG_LEVEL: 'loud',
        TTL: 'soon',
        KAFKA_BOOTSTRAP_SERVERS: 'nohostport',
        DATABASE_URL: 'mysql://x',
        TRUST_PROXY: 'maybe',
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const issues = (caught as ConfigError).issues.join('\n');
    for (const name of [
      'PORT',
      'LOG_LEVEL',
      'TTL',
      'KAFKA_BOOTSTRAP_SERVERS',
      'DATABASE_URL',
      'TRUST_PROXY',
    ]) {
      expect(issues).toContain(name);
    }
  });

  it('when a required variable is missing, then the error says which', () => {
    expect(() => parseConfig(schema, { DATABASE_URL: valid.DATABASE_URL })).toThrow(
      /KAFKA_BOOTSTRAP_SERVERS/,
    );
  });
});
