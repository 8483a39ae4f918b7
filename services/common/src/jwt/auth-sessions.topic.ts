// auth-service → every chat pod: a session ended, close its sockets. Keyed by session id.
import { z } from 'zod';
import { defineTopic } from '../events/topic.js';

export const revocationReasons = ['logout', 'refresh_reuse', 'admin'] as const;

export const sessionRevokedSchema = z.strictObject({
  /** The `sid` claim of the session's access tokens. */
  sessionId: z.uuid(),
  userId: z.uuid(),
  /** logout: the user ended it; refresh_reuse: a rotated refresh token was replayed (theft); admin: revoked by an operator. */
  reason: z.enum(revocationReasons),
  revokedAt: z.iso.datetime({ offset: true }),
});

export type SessionRevoked = z.infer<typeof sessionRevokedSchema>;

export const authSessionsTopic = defineTopic('auth.sessions.v1', {
  'session.revoked': sessionRevokedSchema,
});
