import type { Room } from '@falablau/common/contracts';
import type { RoomRecord, RoomService } from '../rooms/room.service.js';

/** How many of some users are online anywhere in the cluster (realtime's presence view). */
export interface OnlineCounter {
  onlineCount(userIds: string[]): number;
}

/** Rooms as the API shows them: the stored record plus its members online right now. */
export async function withOnlineCounts(
  records: RoomRecord[],
  rooms: RoomService,
  presence: OnlineCounter,
): Promise<Room[]> {
  if (records.length === 0) return [];
  const memberIds = await rooms.memberIdsByRoom(records.map((r) => r.id));
  return records.map((record) => ({
    ...record,
    onlineCount: presence.onlineCount(memberIds.get(record.id) ?? []),
  }));
}

export async function withOnlineCount(
  record: RoomRecord,
  rooms: RoomService,
  presence: OnlineCounter,
): Promise<Room> {
  const memberIds = await rooms.memberIdsByRoom([record.id]);
  return { ...record, onlineCount: presence.onlineCount(memberIds.get(record.id) ?? []) };
}
