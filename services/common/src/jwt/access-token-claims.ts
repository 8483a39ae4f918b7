// The access-token contract between auth-service (which signs) and every service (which
// verifies): one definition, so both ends agree on header, algorithm and claim names.
import { z } from 'zod';

/** The only signing algorithm accepted anywhere (verification uses it as an allow-list). */
export const ACCESS_TOKEN_ALG = 'ES256';
/** RFC 9068 media type: keeps an ID token or any other JWT from being replayed as an access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export const roles = ['user', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * The claims auth-service puts in every access token besides the registered ones
 * (`iss`, `aud`, `iat`, `exp`, `jti`), which jose checks.
 */
export const accessTokenPayloadSchema = z.object({
  /** The user id. */
  sub: z.string().min(1),
  /** The session (refresh-token family) id: revocation events name it. */
  sid: z.string().min(1),
  username: z.string().min(1),
  role: roleSchema,
  exp: z.number().int(),
});

export type AccessTokenPayload = z.infer<typeof accessTokenPayloadSchema>;

/** What a verified access token tells a service about its caller. */
export interface AccessUser {
  userId: string;
  username: string;
  role: Role;
  sessionId: string;
  /** When the token stops being valid: long-lived connections (sockets) close then. */
  expiresAt: Date;
}
