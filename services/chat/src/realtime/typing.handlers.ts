// typing: forwarded to the others in the room, never stored. Members only; throttled per user
// and room (typing-throttle.ts), and rate-limited per user like every event.
import { typingPayloadSchema } from '@falablau/common/contracts';
import type { RoomService } from '../rooms/room.service.js';
import { AckFailure, parsePayload } from './acks.js';
import type { HandlerResult } from './event-dispatch.js';
import type { RateLimits } from './rate-limits.js';
import { channels, type ChatSocket } from './socket-types.js';
import type { TypingThrottle } from './typing-throttle.js';

export interface TypingHandlersDeps {
  rooms: RoomService;
  limits: RateLimits;
  throttle: TypingThrottle;
}

export function createTypingHandlers({ rooms, limits, throttle }: TypingHandlersDeps) {
  return {
    async typing(socket: ChatSocket, payload: unknown): Promise<HandlerResult> {
      const { roomId, isTyping } = parsePayload(typingPayloadSchema, payload);
      const { userId, username } = socket.data.user;
      await limits.consume('typing', userId);
      if (!(await rooms.isMember(roomId, userId))) {
        await rooms.get(roomId); // ROOM_NOT_FOUND first: "join it" is no advice for a typo
        throw new AckFailure('NOT_A_MEMBER', `Join room ${roomId} before typing in it`);
      }
      if (throttle.shouldForward(userId, roomId, isTyping)) {
        socket.to(channels.room(roomId)).emit('typing', { roomId, userId, username, isTyping });
      }
      return { result: {} };
    },
  };
}
