// GET /rooms, POST /rooms, GET /rooms/:id. Public rooms: every signed-in user sees all of them.
import {
  authenticatedUser,
  requireUser,
  type AccessTokenVerifier,
  type HttpApp,
} from '@falablau/common';
import { createRoomBodySchema, roomIdSchema, roomSchema } from '@falablau/common/contracts';
import { z } from 'zod';
import type { RoomCreationLimiter } from '../rooms/room-creation-limit.js';
import type { RoomService } from '../rooms/room.service.js';
import { withOnlineCount, withOnlineCounts, type OnlineCounter } from './online-counter.js';
import { authErrorResponses, bearerSecurity, errorBodySchema } from './route-schemas.js';

export interface RoomRoutesDeps {
  rooms: RoomService;
  verifier: AccessTokenVerifier;
  presence: OnlineCounter;
  /** Per-user limit on POST /rooms (ROOM_CREATE_RATE_LIMIT). */
  roomCreation: RoomCreationLimiter;
}

export const roomParamsSchema = z.strictObject({ id: roomIdSchema });

export function registerRoomRoutes(
  app: HttpApp,
  { rooms, verifier, presence, roomCreation }: RoomRoutesDeps,
) {
  // onRequest, not preHandler: an anonymous caller is refused before its body is even read.
  const onRequest = requireUser(verifier);

  app.get(
    '/rooms',
    {
      onRequest,
      schema: {
        tags: ['rooms'],
        summary: 'Rooms the caller can see, by name, with member and online counts',
        security: bearerSecurity,
        response: { 200: z.object({ rooms: z.array(roomSchema) }), ...authErrorResponses },
      },
    },
    async (request) => {
      const user = authenticatedUser(request);
      const records = await rooms.list(user.userId);
      return { rooms: await withOnlineCounts(records, rooms, presence) };
    },
  );

  app.post(
    '/rooms',
    {
      onRequest,
      schema: {
        tags: ['rooms'],
        summary: 'Create a public room; the creator becomes its first member',
        description:
          'Names are 1–64 characters after trimming and unique regardless of case. At most ' +
          'ROOM_CREATE_RATE_LIMIT (default 10 per minute) per user, then 429 with Retry-After.',
        security: bearerSecurity,
        body: createRoomBodySchema,
        response: {
          201: roomSchema,
          400: errorBodySchema,
          409: errorBodySchema,
          413: errorBodySchema.describe('The body is over 16 KiB'),
          415: errorBodySchema.describe('The body is not application/json'),
          429: errorBodySchema.describe('Too many rooms created: see Retry-After'),
          ...authErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const user = authenticatedUser(request);
      // Valid requests only (the body was checked before this runs); a name taken counts too.
      await roomCreation.consume(user.userId);
      const record = await rooms.create(
        { userId: user.userId, username: user.username },
        request.body,
      );
      return reply.code(201).send(await withOnlineCount(record, rooms, presence));
    },
  );

  app.get(
    '/rooms/:id',
    {
      onRequest,
      schema: {
        tags: ['rooms'],
        summary: 'One room',
        security: bearerSecurity,
        params: roomParamsSchema,
        response: {
          200: roomSchema,
          400: errorBodySchema,
          404: errorBodySchema,
          ...authErrorResponses,
        },
      },
    },
    async (request) => {
      const record = await rooms.get(request.params.id);
      return withOnlineCount(record, rooms, presence);
    },
  );
}
