// GET /rooms/:id/messages?before=&limit=: history, newest first, in pages. Clients pass the
// page's `nextCursor` back as `before` until it is null. Pages run on from Postgres into the
// archive with the same cursor; a page that needs the archive while it is down is a 503
// UNAVAILABLE (never a silently short page), while pages Postgres can serve alone still work.
import { requireUser, type AccessTokenVerifier, type HttpApp } from '@falablau/common';
import { chatMessageSchema } from '@falablau/common/contracts';
import { z } from 'zod';
import { decodeHistoryCursor } from '../messages/history-cursor.js';
import type { MessageService } from '../messages/message.service.js';
import { roomParamsSchema } from './rooms.routes.js';
import { authErrorResponses, bearerSecurity, errorBodySchema } from './route-schemas.js';

export interface MessageRoutesDeps {
  messages: MessageService;
  verifier: AccessTokenVerifier;
}

export const MAX_HISTORY_LIMIT = 100;
export const DEFAULT_HISTORY_LIMIT = 50;

// Query values arrive as strings; anything else (a repeated parameter becomes an array) is a 400.
// Strict: an unknown parameter is most likely a misspelt `before`, which would otherwise return
// the first page again and again.
export const historyQuerySchema = z.strictObject({
  before: z
    .string()
    .transform((cursor, ctx) => {
      const seq = decodeHistoryCursor(cursor);
      if (seq === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'before must be a nextCursor from an earlier page',
        });
        return z.NEVER;
      }
      return seq;
    })
    .optional()
    .describe('The `nextCursor` of the previous page (opaque)'),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_HISTORY_LIMIT))
    .optional()
    .describe(`Messages per page, 1–${MAX_HISTORY_LIMIT} (default ${DEFAULT_HISTORY_LIMIT})`),
});

export const historyPageSchema = z.object({
  messages: z.array(chatMessageSchema),
  /** Pass back as `before` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});

export function registerMessageRoutes(app: HttpApp, { messages, verifier }: MessageRoutesDeps) {
  app.get(
    '/rooms/:id/messages',
    {
      onRequest: requireUser(verifier),
      schema: {
        tags: ['messages'],
        summary: 'Message history of a room, newest first, paged with a cursor',
        description:
          'Continues seamlessly into the archive for messages past the hot retention. 503 ' +
          'UNAVAILABLE when a page needs the archive and it cannot be reached: try again.',
        security: bearerSecurity,
        params: roomParamsSchema,
        querystring: historyQuerySchema,
        response: {
          200: historyPageSchema,
          400: errorBodySchema,
          404: errorBodySchema,
          503: errorBodySchema,
          ...authErrorResponses,
        },
      },
    },
    async (request) => {
      const { before, limit = DEFAULT_HISTORY_LIMIT } = request.query;
      return messages.history(request.params.id, { before, limit });
    },
  );
}
