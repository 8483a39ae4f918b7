// POST /archive/messages: the mover in chat-service hands over messages past hot retention, in
// batches of up to 1000, and deletes them from Postgres once this answers. Idempotent: a retried
// batch stores nothing twice. Internal: only a service token with archive:write.
import { requireScope, type CallerVerifier, type HttpApp } from '@falablau/common';
import type { BatchWriter } from '../ingest/batch-writer.js';
import {
  ARCHIVE_SCOPES,
  archiveBatchBodySchema,
  archiveBatchResultSchema,
  bearerSecurity,
  errorBodySchema,
  errorResponses,
  MAX_BATCH,
  MAX_TEXT_LENGTH,
} from './route-schemas.js';

export interface MessageRoutesDeps {
  writer: BatchWriter;
  verifier: CallerVerifier;
}

// Room for a full batch: 1000 messages of 4000 characters, each escaped to at most 6 bytes.
const BATCH_BODY_LIMIT = MAX_BATCH * (MAX_TEXT_LENGTH * 6 + 1024);

export function registerMessageRoutes(app: HttpApp, { writer, verifier }: MessageRoutesDeps) {
  app.post(
    '/archive/messages',
    {
      onRequest: requireScope(verifier, ARCHIVE_SCOPES.write),
      bodyLimit: BATCH_BODY_LIMIT,
      schema: {
        tags: ['archive'],
        summary: `Archive a batch of up to ${String(MAX_BATCH)} messages (idempotent, internal)`,
        description:
          'Service token with archive:write only. Messages already archived are counted as ' +
          'duplicates; one whose (roomId, seq) is archived under another id is listed in ' +
          '`conflicts` and not stored. Everything else is stored when this answers 200.',
        security: bearerSecurity,
        body: archiveBatchBodySchema,
        response: {
          200: archiveBatchResultSchema,
          ...errorResponses,
          413: errorBodySchema,
          415: errorBodySchema.describe('The body is not application/json'),
        },
      },
    },
    async (request) => {
      const result = await writer.write(request.body.messages, 'http');
      return {
        inserted: result.inserted,
        duplicates: result.duplicates,
        conflicts: result.conflicts.map(({ id, roomId, seq }) => ({ id, roomId, seq })),
      };
    },
  );
}
