// The room-related failures clients may see. Their codes are also Socket.IO `AckErrorCode`s, so
// the realtime handlers can forward them into acknowledgements unchanged.
import { AppError, errors } from '@falablau/common';

export const roomErrors = {
  notFound: (roomId: string) =>
    new AppError(404, 'ROOM_NOT_FOUND', `Room ${roomId} does not exist`),
  nameTaken: (name: string) => errors.conflict(`A room named "${name}" already exists`),
  notAMember: (roomId: string) =>
    new AppError(403, 'NOT_A_MEMBER', `Join room ${roomId} before sending to it`),
} as const;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Callers validate ids at the edge; this guard keeps a malformed one from reaching Postgres
 * (where it would be a 500 "invalid input syntax for type uuid") if one ever slips through.
 */
export function isRoomId(roomId: string): boolean {
  return uuidPattern.test(roomId);
}
