// GET /rooms counts are refreshed every 30 s; for rooms the client has joined, the live member
// list (join ack, presence, joins and leaves) is fresher, so it overrides them.
import type { Room } from '@falablau/common/contracts';
import type { RoomChat } from '../chat/room-state';

export function withLiveCounts(
  rooms: readonly Room[],
  open: Readonly<Record<string, RoomChat>>,
): readonly Room[] {
  const result = rooms.map((room) => {
    const chat = open[room.id];
    if (chat?.join.status !== 'joined') return room;
    const onlineCount = chat.members.filter((m) => m.online).length;
    const memberCount = Math.max(chat.room?.memberCount ?? room.memberCount, chat.members.length);
    if (onlineCount === room.onlineCount && memberCount === room.memberCount) return room;
    return { ...room, onlineCount, memberCount };
  });
  return result.some((room, index) => room !== rooms[index]) ? result : rooms;
}
