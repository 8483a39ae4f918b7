// How a service authenticates to Kafka and whether it may create topics, from the environment.
// In a cluster Strimzi serves a TLS listener with SCRAM-SHA-512 users (one KafkaUser per service,
// password in the user's Secret, CA in `<cluster>-cluster-ca-cert`) and owns the topics
// (KafkaTopic), so services must not create them; locally none of this is set (plaintext,
// topics created on first use). Every service spreads `kafkaSecurityEnvShape` into its schema.
import { readFile } from 'node:fs/promises';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { envSchemas } from '../config.js';

const optionalText = z.string().min(1).optional();

export const kafkaSecurityEnvShape = {
  /** SASL mechanism; unset = no SASL (plaintext or TLS-only listeners). */
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: optionalText,
  /** The SASL password… */
  KAFKA_SASL_PASSWORD: optionalText,
  /** …or a file holding it (a mounted Secret, e.g. Strimzi's KafkaUser secret key `password`). */
  KAFKA_SASL_PASSWORD_FILE: optionalText,
  /** Connect with TLS (implied by KAFKA_TLS_CA_FILE). */
  KAFKA_TLS: envSchemas.boolean(false),
  /** PEM bundle of the CA(s) that signed the brokers' certificates (Strimzi: ca.crt). */
  KAFKA_TLS_CA_FILE: optionalText,
  /** Create missing topics on first use; false where topics are managed (Strimzi KafkaTopic). */
  KAFKA_CREATE_TOPICS: envSchemas.boolean(true),
} as const;

export type KafkaSecurityEnv = z.output<z.ZodObject<typeof kafkaSecurityEnvShape>>;

export interface KafkaSecurityConfig {
  sasl?: {
    mechanism: NonNullable<KafkaSecurityEnv['KAFKA_SASL_MECHANISM']>;
    username: string;
    password?: string;
    passwordFile?: string;
  };
  tls: boolean;
  caFile?: string;
  createTopics: boolean;
}

/** Cross-field rules, for a service schema's superRefine. */
export function checkKafkaSecurityEnv(env: KafkaSecurityEnv, ctx: z.RefinementCtx): void {
  const hasPassword = env.KAFKA_SASL_PASSWORD !== undefined;
  const hasPasswordFile = env.KAFKA_SASL_PASSWORD_FILE !== undefined;
  if (env.KAFKA_SASL_MECHANISM === undefined) {
    if (env.KAFKA_SASL_USERNAME !== undefined || hasPassword || hasPasswordFile) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SASL_MECHANISM'],
        message: 'required when a Kafka SASL username or password is set',
      });
    }
    return;
  }
  if (env.KAFKA_SASL_USERNAME === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_SASL_USERNAME'],
      message: 'required with KAFKA_SASL_MECHANISM',
    });
  }
  if (hasPassword === hasPasswordFile) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_SASL_PASSWORD'],
      message: 'set exactly one of KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE',
    });
  }
}

export function toKafkaSecurityConfig(env: KafkaSecurityEnv): KafkaSecurityConfig {
  const mechanism = env.KAFKA_SASL_MECHANISM;
  return {
    ...(mechanism !== undefined && env.KAFKA_SASL_USERNAME !== undefined
      ? {
          sasl: {
            mechanism,
            username: env.KAFKA_SASL_USERNAME,
            ...(env.KAFKA_SASL_PASSWORD !== undefined && { password: env.KAFKA_SASL_PASSWORD }),
            ...(env.KAFKA_SASL_PASSWORD_FILE !== undefined && {
              passwordFile: env.KAFKA_SASL_PASSWORD_FILE,
            }),
          },
        }
      : {}),
    tls: env.KAFKA_TLS || env.KAFKA_TLS_CA_FILE !== undefined,
    ...(env.KAFKA_TLS_CA_FILE !== undefined && { caFile: env.KAFKA_TLS_CA_FILE }),
    createTopics: env.KAFKA_CREATE_TOPICS,
  };
}

/**
 * The kafkajs client settings for `security`, reading the mounted password and CA files (the
 * entry file calls this once at start-up; a missing file stops the process with its path).
 */
export async function kafkaClientSecurity(
  security: KafkaSecurityConfig,
): Promise<Pick<KafkaConfig, 'ssl' | 'sasl'>> {
  const ssl: KafkaConfig['ssl'] =
    security.caFile !== undefined
      ? { ca: [await readFile(security.caFile, 'utf8')] }
      : security.tls;
  if (!security.sasl) return { ssl };
  const { mechanism, username } = security.sasl;
  const password =
    security.sasl.passwordFile !== undefined
      ? // Secrets mounted from files often end with a newline the broker would not expect.
        (await readFile(security.sasl.passwordFile, 'utf8')).replace(/\r?\n$/, '')
      : (security.sasl.password ?? '');
  const sasl: SASLOptions =
    mechanism === 'plain'
      ? { mechanism: 'plain', username, password }
      : mechanism === 'scram-sha-256'
        ? { mechanism: 'scram-sha-256', username, password }
        : { mechanism: 'scram-sha-512', username, password };
  return { ssl, sasl };
}
