// The archive tunables: their environment variables (a zod shape src/config.ts spreads into the
// service's schema), the cross-field rule, and the typed object createApp receives. Without
// ARCHIVE_SERVICE_URL there is no archive: no mover runs and history is what Postgres holds.
import { envSchemas } from '@falablau/common';
import { z } from 'zod';

/** Most messages in one POST /archive/messages (archive-service refuses larger batches). */
export const MAX_MOVE_BATCH = 1000;

export interface ArchiveConfig {
  /** archive-service base URL; its paths are appended (a gateway prefix is kept). */
  url: string;
  /** auth-service's client-credentials endpoint (`<AUTH_SERVICE_URL>/oauth/token`). */
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  /** Messages older than this move from Postgres to the archive. */
  hotRetentionMs: number;
  /** How often each replica tries to become the mover and move what is due. */
  moveIntervalMs: number;
  /** Messages per POST /archive/messages. */
  moveBatchSize: number;
  /** Longest wait for one archive or token request. */
  requestTimeoutMs: number;
}

export const archiveEnvShape = {
  /** archive-service base URL. Unset = no archive: nothing moves, history is Postgres only. */
  ARCHIVE_SERVICE_URL: envSchemas.httpUrl.optional(),
  /** This service's OAuth2 client id at auth-service (client-credentials grant). */
  SERVICE_CLIENT_ID: z
    .string()
    .regex(/^[\w.-]{1,128}$/, 'use 1-128 characters from [A-Za-z0-9_.-]')
    .default('chat-service'),
  /** Its client secret; required with ARCHIVE_SERVICE_URL. */
  SERVICE_CLIENT_SECRET: z.string().min(1).max(512).optional(),
  /** Days a message stays in Postgres before the mover hands it to the archive. */
  HOT_RETENTION_DAYS: envSchemas.positiveInt(7),
  /** How often the mover runs (one replica at a time moves; the others skip that turn). */
  ARCHIVE_MOVE_INTERVAL: envSchemas.duration('1m'),
  /** Messages per archive request, 1-1000. */
  ARCHIVE_MOVE_BATCH: z.coerce.number().int().min(1).max(MAX_MOVE_BATCH).default(500),
  /** Longest wait for one request to archive-service or for a service token. */
  ARCHIVE_REQUEST_TIMEOUT: envSchemas.duration('10s'),
} as const;

export type ArchiveEnv = z.output<z.ZodObject<typeof archiveEnvShape>>;

/** Cross-field rule, for the service schema's superRefine: a URL needs credentials. */
export function checkArchiveEnv(env: ArchiveEnv, ctx: z.RefinementCtx): void {
  if (env.ARCHIVE_SERVICE_URL !== undefined && env.SERVICE_CLIENT_SECRET === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['SERVICE_CLIENT_SECRET'],
      message: 'required while ARCHIVE_SERVICE_URL is set (the mover needs a service token)',
    });
  }
}

const DAY_MS = 86_400_000;
const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

export function toArchiveConfig(
  env: ArchiveEnv,
  authServiceUrl: string,
): ArchiveConfig | undefined {
  if (env.ARCHIVE_SERVICE_URL === undefined || env.SERVICE_CLIENT_SECRET === undefined) {
    return undefined;
  }
  return {
    url: withoutTrailingSlash(env.ARCHIVE_SERVICE_URL),
    // Appended, not resolved: a base with a path (`http://gateway/api/auth`) keeps it. Not the
    // metadata's token_endpoint either: behind an ingress that names the public URL, while
    // AUTH_SERVICE_URL is the address this pod reaches auth-service at.
    tokenEndpoint: `${withoutTrailingSlash(authServiceUrl)}/oauth/token`,
    clientId: env.SERVICE_CLIENT_ID,
    clientSecret: env.SERVICE_CLIENT_SECRET,
    hotRetentionMs: env.HOT_RETENTION_DAYS * DAY_MS,
    moveIntervalMs: env.ARCHIVE_MOVE_INTERVAL,
    moveBatchSize: env.ARCHIVE_MOVE_BATCH,
    requestTimeoutMs: env.ARCHIVE_REQUEST_TIMEOUT,
  };
}
