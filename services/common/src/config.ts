// Configuration is parsed once, at start-up, from the environment with a zod schema; a bad or
// missing value stops the process with one message listing every problem (fail fast).
import ms from 'ms';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** Parses `env` with `schema`; throws a ConfigError naming every invalid variable. */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  // Empty strings count as unset, as in most twelve-factor tooling (`FOO=` in a .env file).
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses a duration such as `500ms`, `10s`, `15m`, `30d` into milliseconds. */
const duration = z.string().transform((value, ctx) => {
  const parsed = ms(value as ms.StringValue) as number | undefined;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a duration such as 30s, 15m or 7d`,
    });
    return z.NEVER;
  }
  return parsed;
});

/** Reusable env-variable schemas: every service spells the same variable the same way. */
export const envSchemas = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  logLevel: z.enum(logLevels).default('info'),
  nodeEnv: z.enum(['development', 'test', 'production']).default('development'),
  /** A duration with a default written the same way, e.g. `envSchemas.duration('15m')`. */
  duration: (fallback: string) => duration.prefault(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  /** A comma-separated list, e.g. `CORS_ORIGINS=http://a,http://b`. */
  list: z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  ),
  postgresUrl: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
  httpUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }),
  /** `iss` of access tokens: auth-service signs with it, every other service checks it. */
  jwtIssuer: z.string().min(1).default('falablau-auth'),
  /** `aud` of access tokens: the same value on every service. */
  jwtAudience: z.string().min(1).default('falablau'),
  /** `KAFKA_BOOTSTRAP_SERVERS=host:9092,host2:9092` */
  kafkaBrokers: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')).min(1)),
} as const;
