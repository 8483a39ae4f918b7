import { BO, message } from '../test/fakes';
import { withAuthors, withJoined, withLeft, withOnlineList, withPresence } from './members';

const cy = { userId: 'u-cy', username: 'cy' };
const names = (members: readonly { username: string; online: boolean }[]) =>
  members.map((m) => `${m.username}:${m.online ? 'on' : 'off'}`);

describe('member list', () => {
  it('when a join ack lists who is online, then they are online and other known members offline', () => {
    const known = withJoined([], cy);
    expect(names(withOnlineList(known, [BO]))).toEqual(['bo:on', 'cy:off']);
  });

  it('when presence changes for a known member, then only their status changes', () => {
    const members = withOnlineList([], [BO, cy]);
    expect(names(withPresence(members, cy.userId, false))).toEqual(['bo:on', 'cy:off']);
    expect(withPresence(members, 'stranger', true)).toBe(members);
  });

  it('when someone leaves the room, then they are removed', () => {
    const members = withOnlineList([], [BO, cy]);
    expect(names(withLeft(members, BO.userId))).toEqual(['cy:on']);
    expect(withLeft(members, 'stranger')).toBe(members);
  });

  it('when authors of loaded messages are unknown, then they appear offline', () => {
    const members = withOnlineList([], [cy]);
    expect(names(withAuthors(members, [message(1), message(2)]))).toEqual(['cy:on', 'bo:off']);
  });
});
