import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../config.js';
import {
  checkKafkaSecurityEnv,
  kafkaClientSecurity,
  kafkaSecurityEnvShape,
  toKafkaSecurityConfig,
} from './kafka-security.js';

const schema = z
  .object(kafkaSecurityEnvShape)
  .superRefine(checkKafkaSecurityEnv)
  .transform(toKafkaSecurityConfig);

describe('Kafka security configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'falablau-kafka-security-'));

  test('when nothing is set, then the client is plaintext without SASL and creates topics', async () => {
    const config = parseConfig(schema, {});
    expect(config).toEqual({ tls: false, createTopics: true });
    expect(await kafkaClientSecurity(config)).toEqual({ ssl: false });
  });

  test('when Strimzi-style SCRAM with a mounted password and CA is set, then both files are read', async () => {
    const passwordFile = join(dir, 'password');
    const caFile = join(dir, 'ca.crt');
    writeFileSync(passwordFile, 's3cret\n');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = parseConfig(schema, {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'falablau-chat',
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
      KAFKA_TLS_CA_FILE: caFile,
      KAFKA_CREATE_TOPICS: 'false',
    });
    expect(config.tls).toBe(true);
    expect(config.createTopics).toBe(false);
    const client = await kafkaClientSecurity(config);
    expect(client.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'falablau-chat',
      password: 's3cret',
    });
    expect(client.ssl).toEqual({ ca: [expect.stringContaining('BEGIN CERTIFICATE')] });
  });

  test('when TLS alone is asked for, then the system CAs verify the brokers', async () => {
    const client = await kafkaClientSecurity(parseConfig(schema, { KAFKA_TLS: 'true' }));
    expect(client).toEqual({ ssl: true });
  });

  test.each([
    [{ KAFKA_SASL_USERNAME: 'x', KAFKA_SASL_PASSWORD: 'y' }, 'KAFKA_SASL_MECHANISM'],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'y' }, 'KAFKA_SASL_USERNAME'],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'x' }, 'KAFKA_SASL_PASSWORD'],
    [
      {
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'x',
        KAFKA_SASL_PASSWORD: 'y',
        KAFKA_SASL_PASSWORD_FILE: '/run/secrets/p',
      },
      'KAFKA_SASL_PASSWORD',
    ],
    [{ KAFKA_SASL_MECHANISM: 'gssapi' }, 'KAFKA_SASL_MECHANISM'],
  ])('when the SASL settings are incomplete or wrong (%j), then start-up names %s', (env, name) => {
    expect(() => parseConfig(schema, env)).toThrow(ConfigError);
    expect(() => parseConfig(schema, env)).toThrow(new RegExp(name));
  });

  test('when the mounted password file is missing, then the error names its path', async () => {
    const config = parseConfig(schema, {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD_FILE: join(dir, 'absent'),
    });
    await expect(kafkaClientSecurity(config)).rejects.toThrow(/absent/);
  });
});
