import { jest } from '@jest/globals';
import type { PresenceUser } from '@falablau/common';
import { createLocalSessions } from './local-sessions.js';

const alice = { userId: 'u-alice', username: 'alice' };

function setup(offlineGraceMs: number) {
  const present: PresenceUser[] = [];
  const absent: PresenceUser[] = [];
  const sessions = createLocalSessions({
    offlineGraceMs,
    onPresent: (user) => present.push(user),
    onAbsent: (user) => absent.push(user),
  });
  return { sessions, present, absent };
}

describe('local sessions', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('when a user opens a second socket, then presence is announced once', () => {
    const { sessions, present } = setup(1_000);
    sessions.add('s1', alice);
    sessions.add('s2', alice);
    expect(present).toEqual([alice]);
    expect(sessions.users()).toEqual([alice]);
  });

  test('when the last socket closes, then absence is announced after the grace period', () => {
    const { sessions, absent } = setup(1_000);
    sessions.add('s1', alice);
    sessions.add('s2', alice);
    sessions.remove('s1', alice.userId);
    sessions.remove('s2', alice.userId);
    jest.advanceTimersByTime(999);
    expect(absent).toEqual([]);
    expect(sessions.users()).toEqual([alice]); // still in the heartbeat during the grace
    jest.advanceTimersByTime(1);
    expect(absent).toEqual([alice]);
    expect(sessions.users()).toEqual([]);
  });

  test('when the user reconnects within the grace period, then nothing is announced', () => {
    const { sessions, present, absent } = setup(1_000);
    sessions.add('s1', alice);
    sessions.remove('s1', alice.userId);
    jest.advanceTimersByTime(500);
    sessions.add('s2', alice);
    jest.advanceTimersByTime(5_000);
    expect(present).toEqual([alice]);
    expect(absent).toEqual([]);
  });

  test('when the grace is zero, then absence is announced at once', () => {
    const { sessions, absent } = setup(0);
    sessions.add('s1', alice);
    sessions.remove('s1', alice.userId);
    expect(absent).toEqual([alice]);
  });

  test('when an unknown socket is removed, then nothing happens', () => {
    const { sessions, absent } = setup(0);
    sessions.add('s1', alice);
    sessions.remove('s-unknown', alice.userId);
    sessions.remove('s1', 'someone-else');
    expect(absent).toEqual([]);
  });

  test('when closed, then pending absences are not announced (the goodbye covers them)', () => {
    const { sessions, absent } = setup(1_000);
    sessions.add('s1', alice);
    sessions.remove('s1', alice.userId);
    sessions.close();
    jest.advanceTimersByTime(5_000);
    expect(absent).toEqual([]);
  });
});
