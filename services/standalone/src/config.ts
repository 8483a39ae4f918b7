// The standalone server's configuration: its own few variables, plus every service's schema parsed
// from the same environment, so each service tunable (ACCESS_TOKEN_TTL, ADMIN_USERNAMES,
// CORS_ORIGINS, SOCKET_RATE_LIMIT_MESSAGES, HOT_RETENTION_DAYS, ARCHIVE_TTL_DAYS, …) works under the name
// it has in the cluster. Parsed once by the entry file; one ConfigError lists every problem.
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { archiveEnvSchema, type ArchiveConfig } from '@falablau/archive/dist/config.js';
import { authEnvSchema, type AuthConfig } from '@falablau/auth/dist/config.js';
import { chatEnvSchema, type ChatConfig } from '@falablau/chat/dist/config.js';
import { ConfigError, envSchemas, parseConfig, type Env } from '@falablau/common';

export const standaloneEnvSchema = z.object({
  /** The one port for the web app, the APIs and Socket.IO (the ingress's place). */
  PORT: envSchemas.port(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: envSchemas.logLevel,
  /** Embedded Postgres (`pg/`), signing key and service secret (`keys/`); relative to where npm ran. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** How browsers reach this server, when not http://localhost:PORT (printed; OAuth metadata). */
  PUBLIC_URL: envSchemas.httpUrl.optional(),
  /** The web app's build (default: web/dist of this repository). */
  WEB_DIST: z.string().min(1).optional(),
  /** The embedded Postgres' shared_buffers: more caches more, and costs as much memory. */
  PG_SHARED_BUFFERS: z
    .string()
    .regex(/^\d+(kB|MB|GB)$/, 'use a size such as 16MB')
    .default('16MB'),
  /** How long a graceful stop (SIGTERM, Ctrl+C) may take before the process ends anyway. */
  SHUTDOWN_GRACE: envSchemas.duration('10s'),
});

/**
 * Placeholders for the variables that name the cluster's servers. The service schemas require
 * them, but standalone replaces those clients with embedded ones, so they are never dialled.
 */
const clusterEndpoints: Env = {
  DATABASE_URL: 'postgres://embedded/falablau',
  KAFKA_BOOTSTRAP_SERVERS: 'in-process:9092',
  MONGO_URI: 'mongodb://embedded/falablau',
  REDIS_URL: undefined,
  // The services never listen on their own ports here (the gateway forwards to them).
  PORT: '0',
  HOST: '127.0.0.1',
  // Standalone keeps its own signing key and service secret under DATA_DIR (always generated).
  JWT_PRIVATE_KEY: undefined,
  JWT_PRIVATE_KEY_FILE: undefined,
  OAUTH_CLIENTS: undefined,
  OAUTH_CLIENTS_FILE: undefined,
  // Known only once the gateway listens; platform.ts points them at it.
  AUTH_SERVICE_URL: 'http://127.0.0.1/api/auth',
  ARCHIVE_SERVICE_URL: 'http://127.0.0.1/api/archive',
  SERVICE_CLIENT_SECRET: 'set-at-start-from-DATA_DIR',
};

export interface StandaloneConfig {
  port: number;
  host: string;
  logLevel: z.output<typeof standaloneEnvSchema>['LOG_LEVEL'];
  /** Absolute. */
  dataDir: string;
  publicUrl: string | undefined;
  /** Absolute; undefined = the caller's default. */
  webDist: string | undefined;
  pgSharedBuffers: string;
  shutdownGraceMs: number;
  auth: AuthConfig;
  chat: ChatConfig;
  archive: ArchiveConfig;
}

function collect<T>(issues: string[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
    return undefined;
  }
}

/**
 * Parses the environment. `baseDir` anchors relative paths: the directory npm was run from
 * (INIT_CWD), so `DATA_DIR=./data` means the same for `npm start` and `npm run … -w`.
 */
export function parseStandaloneConfig(env: Env, baseDir: string): StandaloneConfig {
  const issues: string[] = [];
  const own = collect(issues, () => parseConfig(standaloneEnvSchema, env));
  const serviceEnv: Env = { ...env, ...clusterEndpoints };
  const dataDir = resolve(baseDir, own?.DATA_DIR ?? './data');
  const auth = collect(issues, () =>
    parseConfig(authEnvSchema, {
      ...serviceEnv,
      // Production or not, the key is generated once and kept in DATA_DIR.
      NODE_ENV: 'development',
      KEYS_DIR: join(dataDir, 'keys'),
    }),
  );
  const chat = collect(issues, () => parseConfig(chatEnvSchema, serviceEnv));
  const archive = collect(issues, () => parseConfig(archiveEnvSchema, serviceEnv));
  if (!own || !auth || !chat || !archive) throw new ConfigError(issues);

  const webDist = own.WEB_DIST;
  return {
    port: own.PORT,
    host: own.HOST,
    logLevel: own.LOG_LEVEL,
    dataDir,
    publicUrl: own.PUBLIC_URL?.replace(/\/+$/, ''),
    webDist: webDist === undefined || isAbsolute(webDist) ? webDist : resolve(baseDir, webDist),
    pgSharedBuffers: own.PG_SHARED_BUFFERS,
    shutdownGraceMs: own.SHUTDOWN_GRACE,
    auth: { ...auth, jwt: { ...auth.jwt, allowGenerate: true } },
    chat,
    archive,
  };
}
