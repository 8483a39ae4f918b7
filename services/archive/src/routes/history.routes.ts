// GET /archive/rooms/:id and GET /archive/users/:userId: archived history, newest first, in pages.
// Clients pass `nextCursor` back as `cursor` until it is null (or use `page`, as the original API
// did). Signed-in users may read any room (rooms are public) and their own history; admins and
// services holding archive:read may read anyone's.
import {
  authenticatedCaller,
  errors,
  requireUserOrScope,
  type CallerVerifier,
  type HttpApp,
} from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';
import type { ArchiveStore, HistorySlice } from '../store/archive-store.js';
import { encodeRoomCursor, encodeUserCursor } from '../store/history-cursor.js';
import {
  ARCHIVE_SCOPES,
  bearerSecurity,
  DEFAULT_LIMIT,
  errorResponses,
  historyPageSchema,
  roomHistoryQuerySchema,
  roomParamsSchema,
  userHistoryQuerySchema,
  userParamsSchema,
} from './route-schemas.js';

export interface HistoryRoutesDeps {
  store: ArchiveStore;
  verifier: CallerVerifier;
}

function toPage(slice: HistorySlice, encode: (last: ChatMessage) => string) {
  const last = slice.messages.at(-1);
  return {
    messages: slice.messages,
    nextCursor: slice.hasMore && last !== undefined ? encode(last) : null,
  };
}

export function registerHistoryRoutes(app: HttpApp, { store, verifier }: HistoryRoutesDeps) {
  const onRequest = requireUserOrScope(verifier, ARCHIVE_SCOPES.read);

  app.get(
    '/archive/rooms/:id',
    {
      onRequest,
      schema: {
        tags: ['archive'],
        summary: 'Archived messages of a room, newest first (by seq), paged with a cursor',
        security: bearerSecurity,
        params: roomParamsSchema,
        querystring: roomHistoryQuerySchema,
        response: { 200: historyPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const {
        start,
        end,
        cursor,
        beforeSeq,
        afterSeq,
        page,
        limit = DEFAULT_LIMIT,
      } = request.query;
      const slice = await store.byRoom(request.params.id, {
        start,
        end,
        beforeSeq: cursor ?? beforeSeq,
        afterSeq,
        limit,
        skip: page === undefined ? undefined : (page - 1) * limit,
      });
      return toPage(slice, encodeRoomCursor);
    },
  );

  app.get(
    '/archive/users/:userId',
    {
      onRequest,
      schema: {
        tags: ['archive'],
        summary: "A user's archived messages in every room, newest first, paged with a cursor",
        description: 'Users read their own; admins and services with archive:read anyone’s.',
        security: bearerSecurity,
        params: userParamsSchema,
        querystring: userHistoryQuerySchema,
        response: { 200: historyPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const caller = authenticatedCaller(request);
      const { userId } = request.params;
      if (caller.kind === 'user' && caller.user.role !== 'admin' && caller.user.userId !== userId) {
        throw errors.forbidden('Users may read only their own history');
      }
      const { start, end, cursor, page, limit = DEFAULT_LIMIT } = request.query;
      const slice = await store.byUser(userId, {
        start,
        end,
        before: cursor,
        limit,
        skip: page === undefined ? undefined : (page - 1) * limit,
      });
      return toPage(slice, encodeUserCursor);
    },
  );
}
