// What the client knows about one room, and the pure updates the chat client applies to it.
import type {
  AckErrorCode,
  ChatMessage,
  JoinRoomResult,
  Room,
  RoomMember,
} from '@falablau/common/contracts';
import type { HistoryPage } from '../api/chat-api';
import { withAuthors, withJoined, withLeft, withOnlineList, type Member } from './members';
import { contiguousSeq, mergeMessages } from './message-store';
import type { Typist } from './typing';

export interface PendingSend {
  /** The idempotency key: every retry of this message carries it. */
  clientMsgId: string;
  text: string;
  status: 'queued' | 'sending' | 'failed';
  attempts: number;
  error?: string;
}

export interface RoomNotice {
  id: string;
  kind: 'joined' | 'left';
  username: string;
  /** Shown after the message with this seq (the newest held when it happened). */
  afterSeq: number;
}

export interface RoomChat {
  roomId: string;
  room: Room | undefined;
  join: { status: 'idle' | 'joining' | 'joined' | 'failed'; error?: string; code?: AckErrorCode };
  /** Ascending by seq, each seq once. */
  messages: readonly ChatMessage[];
  /** A seq up to which nothing is missing; undefined until the first page or join. */
  baseline: number | undefined;
  /** `cursor`: undefined before the first page, null once the oldest message is loaded. */
  history: {
    status: 'idle' | 'loading' | 'error';
    cursor: string | null | undefined;
    error?: string;
  };
  pending: readonly PendingSend[];
  members: readonly Member[];
  typists: readonly Typist[];
  notices: readonly RoomNotice[];
  /** The latest live message from someone else, for the screen-reader announcement. */
  live: ChatMessage | undefined;
}

export function emptyRoom(roomId: string): RoomChat {
  return {
    roomId,
    room: undefined,
    join: { status: 'idle' },
    messages: [],
    baseline: undefined,
    history: { status: 'idle', cursor: undefined },
    pending: [],
    members: [],
    typists: [],
    notices: [],
    live: undefined,
  };
}

/** The `afterSeq` to (re)join with: everything after it is missing or unconfirmed. */
export function rejoinSeq(room: RoomChat): number | undefined {
  return room.baseline === undefined ? undefined : contiguousSeq(room.messages, room.baseline);
}

export function withHistoryPage(room: RoomChat, page: HistoryPage): RoomChat {
  const first = room.history.cursor === undefined;
  const messages = mergeMessages(room.messages, page.messages);
  return {
    ...room,
    messages,
    // The newest message of the first page is complete up to itself (0: the room is empty).
    baseline: first && room.baseline === undefined ? (page.messages[0]?.seq ?? 0) : room.baseline,
    history: { status: 'idle', cursor: page.nextCursor },
    members: withAuthors(room.members, page.messages),
  };
}

export function withJoinResult(room: RoomChat, result: JoinRoomResult): RoomChat {
  return {
    ...room,
    room: result.room,
    join: { status: 'joined' },
    messages: mergeMessages(room.messages, result.missed),
    // Joined without afterSeq: the history fetched afterwards covers up to lastSeq.
    baseline: room.baseline ?? result.room.lastSeq,
    members: withAuthors(withOnlineList(room.members, result.online), result.missed),
  };
}

export function withMessage(room: RoomChat, message: ChatMessage): RoomChat {
  const messages = mergeMessages(room.messages, [message]);
  if (messages === room.messages) return room;
  return {
    ...room,
    messages,
    members: withAuthors(room.members, [message]),
    room: room.room && { ...room.room, lastSeq: Math.max(room.room.lastSeq, message.seq) },
  };
}

const MAX_NOTICES = 50;
let noticeCounter = 0;

export function withMemberChange(
  room: RoomChat,
  member: RoomMember,
  kind: 'joined' | 'left',
): RoomChat {
  noticeCounter += 1;
  const notice: RoomNotice = {
    id: `notice-${noticeCounter}`,
    kind,
    username: member.username,
    afterSeq: room.messages.at(-1)?.seq ?? 0,
  };
  return {
    ...room,
    members:
      kind === 'joined' ? withJoined(room.members, member) : withLeft(room.members, member.userId),
    notices: [...room.notices, notice].slice(-MAX_NOTICES),
  };
}

export function withPending(
  room: RoomChat,
  clientMsgId: string,
  change: Partial<PendingSend> | undefined,
): RoomChat {
  const pending =
    change === undefined
      ? room.pending.filter((p) => p.clientMsgId !== clientMsgId)
      : room.pending.map((p) => (p.clientMsgId === clientMsgId ? { ...p, ...change } : p));
  return { ...room, pending };
}
