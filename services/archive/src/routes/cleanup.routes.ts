// DELETE /archive/cleanup?before=: forces the retention cut now (admins only) and says how many
// messages went. Without `before`, the cut is the configured ARCHIVE_TTL_DAYS.
import type { CallerVerifier, HttpApp } from '@falablau/common';
import type { Retention } from '../retention/retention.js';
import { requireAdmin } from './guards.js';
import {
  bearerSecurity,
  cleanupQuerySchema,
  cleanupResultSchema,
  errorResponses,
} from './route-schemas.js';

export interface CleanupRoutesDeps {
  retention: Retention;
  verifier: CallerVerifier;
}

export function registerCleanupRoutes(app: HttpApp, { retention, verifier }: CleanupRoutesDeps) {
  app.delete(
    '/archive/cleanup',
    {
      onRequest: requireAdmin(verifier),
      schema: {
        tags: ['archive'],
        summary: 'Delete archived messages past retention (admin)',
        security: bearerSecurity,
        querystring: cleanupQuerySchema,
        response: { 200: cleanupResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { deleted, before } = await retention.cleanup('request', request.query.before);
      request.log.info({ deleted, before, by: request.user?.userId }, 'Archive cleanup by admin');
      return { deleted, before: before.toISOString() };
    },
  );
}
