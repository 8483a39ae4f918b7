// A room's member list as far as the client can know it: the join ack's online members, people
// seen joining, leaving, writing, and presence changes. GET /rooms/:id gives only the counts.
import type { ChatMessage, RoomMember } from '@falablau/common/contracts';

export interface Member extends RoomMember {
  online: boolean;
}

type Members = readonly Member[];

/** Only the member fields: events carry more (roomId, status) that must not leak in. */
const member = ({ userId, username }: RoomMember, online: boolean): Member => ({
  userId,
  username,
  online,
});

/** Online first, then by name; every update returns a new sorted array. */
function sorted(members: Member[]): Members {
  return members.sort(
    (a, b) => Number(b.online) - Number(a.online) || a.username.localeCompare(b.username),
  );
}

/** The join ack is the authority on who is online now; everyone else known is offline. */
export function withOnlineList(members: Members, online: readonly RoomMember[]): Members {
  const onlineIds = new Set(online.map((m) => m.userId));
  const known = members
    .filter((m) => !onlineIds.has(m.userId))
    .map((m) => (m.online ? { ...m, online: false } : m));
  return sorted([...known, ...online.map((m) => member(m, true))]);
}

export function withJoined(members: Members, joined: RoomMember): Members {
  return sorted([...members.filter((m) => m.userId !== joined.userId), member(joined, true)]);
}

export function withLeft(members: Members, userId: string): Members {
  return members.some((m) => m.userId === userId)
    ? members.filter((m) => m.userId !== userId)
    : members;
}

/** Updates a known member; unknown users are left out (returns `members` unchanged). */
export function withPresence(members: Members, userId: string, online: boolean): Members {
  const known = members.find((m) => m.userId === userId);
  if (!known || known.online === online) return members;
  return sorted(members.map((m) => (m.userId === userId ? { ...m, online } : m)));
}

/** Authors of messages are (or were) members: add the unknown ones as offline. */
export function withAuthors(members: Members, messages: readonly ChatMessage[]): Members {
  const known = new Set(members.map((m) => m.userId));
  const added: Member[] = [];
  for (const message of messages) {
    if (known.has(message.userId)) continue;
    known.add(message.userId);
    added.push({ userId: message.userId, username: message.username, online: false });
  }
  return added.length === 0 ? members : sorted([...members, ...added]);
}
