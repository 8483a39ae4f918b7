// Response shapes shared by several routes; they also document the API at /openapi.json.
import { z } from 'zod';
import { roleSchema } from '@falablau/common';
import type { TokenPair } from '../sessions/session.service.js';

export const errorResponseSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .describe('Every error: a stable machine-readable code and a human-readable message');

export const tokenResponseSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string().describe('ES256 JWT (typ at+jwt), sent as Authorization: Bearer'),
  expiresIn: z.number().int().describe('Seconds until the access token expires'),
  refreshToken: z.string().describe('Opaque, single-use: /refresh returns a new one'),
  refreshExpiresIn: z.number().int().describe('Seconds until the refresh token expires'),
  sessionId: z.uuid(),
  user: z.object({ id: z.uuid(), username: z.string(), role: roleSchema }),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export function toTokenResponse(pair: TokenPair, now: Date): TokenResponse {
  const seconds = (at: Date) => Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000));
  return {
    tokenType: 'Bearer',
    accessToken: pair.accessToken,
    expiresIn: seconds(pair.accessTokenExpiresAt),
    refreshToken: pair.refreshToken,
    refreshExpiresIn: seconds(pair.refreshTokenExpiresAt),
    sessionId: pair.sessionId,
    user: pair.user,
  };
}

/**
 * What the HTTP shell answers for any JSON body before a handler runs: bodies over the limit
 * (16 KiB) and bodies that are not JSON. Documented on every route that takes a body.
 */
export const bodyErrorResponses = {
  413: errorResponseSchema.describe('The body is over 16 KiB'),
  415: errorResponseSchema.describe('The body is not application/json'),
} as const;

/** Opaque refresh tokens are 43 characters; the bound keeps junk input cheap. */
export const refreshTokenSchema = z.string().min(1).max(256);
