// join_room and leave_room. Membership is stored (RoomService); the Socket.IO room
// `room:<id>` is who receives the room's live events on this connection.
import {
  joinRoomPayloadSchema,
  leaveRoomPayloadSchema,
  type JoinRoomResult,
} from '@falablau/common/contracts';
import type { MessageService } from '../messages/message.service.js';
import type { RoomService } from '../rooms/room.service.js';
import { AckFailure, parsePayload } from './acks.js';
import type { HandlerResult } from './event-dispatch.js';
import type { RateLimits } from './rate-limits.js';
import { channels, type ChatServer, type ChatSocket } from './socket-types.js';
import type { TypingThrottle } from './typing-throttle.js';

/** The most missed messages one join_room ack carries (the contract's limit). */
export const MAX_MISSED = 1000;

export interface RoomHandlersDeps {
  io: ChatServer;
  rooms: RoomService;
  messages: MessageService;
  limits: RateLimits;
  typing: TypingThrottle;
  isOnline: (userId: string) => boolean;
  /** The user's room list changed (presence fan-out caches it). */
  membershipChanged: (userId: string) => void;
}

export function createRoomHandlers(deps: RoomHandlersDeps) {
  const { io, rooms, messages, limits } = deps;

  return {
    async join_room(socket: ChatSocket, payload: unknown): Promise<HandlerResult<JoinRoomResult>> {
      const { roomId, afterSeq } = parsePayload(joinRoomPayloadSchema, payload);
      const { userId, username } = socket.data.user;
      await limits.consume('joins', userId);
      const { room, firstJoin } = await rooms.join(roomId, { userId, username });
      if (firstJoin) deps.membershipChanged(userId);
      // Gone while the membership was stored: joining now would leave a dangling room entry.
      if (socket.disconnected) throw new AckFailure('UNAVAILABLE', 'The connection closed');
      // Subscribe before reading the backlog: a message committed in between then arrives
      // live and perhaps in `missed` too (clients dedupe by seq), but never in neither.
      await socket.join(channels.room(roomId));
      const [replay, members] = await Promise.all([
        afterSeq === undefined
          ? { messages: [], hasMore: false }
          : messages.since(roomId, afterSeq, MAX_MISSED),
        rooms.members(roomId),
      ]);
      const online = members.filter((member) => deps.isOnline(member.userId));
      return {
        result: {
          room: { ...room, onlineCount: online.length },
          online,
          missed: replay.messages,
          hasMoreMissed: replay.hasMore,
        },
        // Only a new membership is news: reconnecting members re-join without a notice.
        afterAck: firstJoin
          ? () => {
              socket.to(channels.room(roomId)).emit('user_joined', { roomId, userId, username });
            }
          : undefined,
      };
    },

    async leave_room(socket: ChatSocket, payload: unknown): Promise<HandlerResult> {
      const { roomId } = parsePayload(leaveRoomPayloadSchema, payload);
      const { userId, username } = socket.data.user;
      await limits.consume('joins', userId);
      const { wasMember } = await rooms.leave(roomId, userId);
      await socket.leave(channels.room(roomId));
      if (!wasMember)
        throw new AckFailure('NOT_A_MEMBER', `You are not a member of room ${roomId}`);
      deps.membershipChanged(userId);
      deps.typing.forget(userId, roomId);
      // Membership is per user: the user's other tabs, on any process, stop receiving the room.
      io.in(channels.user(userId)).socketsLeave(channels.room(roomId));
      return {
        result: {},
        afterAck: () => {
          io.to(channels.room(roomId)).emit('user_left', { roomId, userId, username });
        },
      };
    },
  };
}
