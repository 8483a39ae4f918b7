import { BO, ME, ROOM_ID, OTHER_ROOM_ID, room } from '../test/fakes';
import { emptyRoom } from '../chat/room-state';
import { withLiveCounts } from './live-counts';

describe('live room counts', () => {
  it('when a listed room is joined, then its counts come from the live member list', () => {
    const rooms = [
      room({ onlineCount: 0, memberCount: 1 }),
      room({ id: OTHER_ROOM_ID, name: 'random' }),
    ];
    const open = {
      [ROOM_ID]: {
        ...emptyRoom(ROOM_ID),
        join: { status: 'joined' as const },
        members: [
          { userId: ME.id, username: ME.username, online: true },
          { ...BO, online: true },
        ],
      },
    };
    const live = withLiveCounts(rooms, open);
    expect(live.map((r) => [r.name, r.onlineCount, r.memberCount])).toEqual([
      ['general', 2, 2],
      ['random', 1, 2],
    ]);
    expect(live[1]).toBe(rooms[1]);
  });

  it('when no listed room is joined, then the list is returned as it is', () => {
    const rooms = [room()];
    expect(withLiveCounts(rooms, { [ROOM_ID]: emptyRoom(ROOM_ID) })).toBe(rooms);
  });
});
