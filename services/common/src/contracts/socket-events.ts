// Typed Socket.IO event maps, shared by the chat server (`Server<ClientToServerEvents,
// ServerToClientEvents>`) and the web client (`Socket<ServerToClientEvents, ClientToServerEvents>`).
import type {
  ChatMessage,
  JoinRoomPayload,
  LeaveRoomPayload,
  Room,
  RoomMember,
  SendMessagePayload,
  TypingPayload,
} from './chat.schemas.js';

/** Error codes an acknowledgement may carry; nothing else reaches clients. */
export type AckErrorCode =
  | 'VALIDATION_FAILED'
  | 'ROOM_NOT_FOUND'
  | 'NOT_A_MEMBER'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface AckError {
  ok: false;
  error: { code: AckErrorCode; message: string };
}
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

export interface JoinRoomResult {
  room: Room;
  /** Members of the room online anywhere in the cluster. */
  online: RoomMember[];
  /** Messages with seq > afterSeq, oldest first (empty without afterSeq); at most 1000. */
  missed: ChatMessage[];
  /** More were missed than one ack carries: join again with the last seq received. */
  hasMoreMissed: boolean;
}

export interface ClientToServerEvents {
  join_room: (payload: JoinRoomPayload, ack: (result: Ack<JoinRoomResult>) => void) => void;
  leave_room: (payload: LeaveRoomPayload, ack: (result: Ack) => void) => void;
  send_message: (
    payload: SendMessagePayload,
    ack: (result: Ack<{ message: ChatMessage }>) => void,
  ) => void;
  typing: (payload: TypingPayload, ack: (result: Ack) => void) => void;
}

export interface PresenceEvent extends RoomMember {
  status: 'online' | 'offline';
}
export interface TypingEvent extends RoomMember {
  roomId: string;
  isTyping: boolean;
}
export interface RoomMemberEvent extends RoomMember {
  roomId: string;
}

export interface ServerToClientEvents {
  message: (message: ChatMessage) => void;
  typing: (event: TypingEvent) => void;
  user_joined: (event: RoomMemberEvent) => void;
  user_left: (event: RoomMemberEvent) => void;
  presence: (event: PresenceEvent) => void;
}
