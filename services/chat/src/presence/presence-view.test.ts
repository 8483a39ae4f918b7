import { createPresenceView, type SessionsEvent } from './presence-view.js';

const self = 'pod-self';
const lease = 3_000;
const alice = { userId: 'u-alice', username: 'alice' };
const bob = { userId: 'u-bob', username: 'bob' };

const connected = (instanceId: string, user = alice): SessionsEvent => ({
  type: 'user.connected',
  data: { instanceId, ...user, leaseMs: lease },
});
const disconnected = (instanceId: string, user = alice): SessionsEvent => ({
  type: 'user.disconnected',
  data: { instanceId, userId: user.userId },
});
const heartbeat = (
  instanceId: string,
  users: { userId: string; username: string }[],
  { heartbeatId = '7d9f0a52-2b1e-4a6e-9d7c-0c1f9a8b7e61', chunk = 0, chunks = 1 } = {},
): SessionsEvent => ({
  type: 'process.heartbeat',
  data: { instanceId, heartbeatId, chunk, chunks, leaseMs: lease, users },
});
const stopped = (instanceId: string): SessionsEvent => ({
  type: 'process.stopped',
  data: { instanceId },
});
/** Our own heartbeat coming back: proves our consumer is alive (expiry only runs then). */
const echo = (): SessionsEvent => heartbeat(self, []);

const newView = () => createPresenceView({ selfId: self, selfLeaseMs: lease });

describe('presence view', () => {
  test('when a user connects on another process, then they come online once', () => {
    const view = newView();
    expect(view.apply(connected('pod-a'), 0)).toEqual([{ ...alice, status: 'online' }]);
    expect(view.apply(connected('pod-b'), 0)).toEqual([]);
    expect(view.isOnline(alice.userId)).toBe(true);
    expect(view.onlineUsers()).toBe(1);
  });

  test('when the user leaves one of two processes, then they stay online until the last', () => {
    const view = newView();
    view.apply(connected('pod-a'), 0);
    view.apply(connected('pod-b'), 0);
    expect(view.apply(disconnected('pod-a'), 1)).toEqual([]);
    expect(view.apply(disconnected('pod-b'), 2)).toEqual([{ ...alice, status: 'offline' }]);
    expect(view.isOnline(alice.userId)).toBe(false);
  });

  test('when local and remote sockets mix, then the user is online while either exists', () => {
    const view = newView();
    expect(view.setLocal(alice.userId, alice.username, true)).toEqual([
      { ...alice, status: 'online' },
    ]);
    expect(view.apply(connected('pod-a'), 0)).toEqual([]);
    expect(view.setLocal(alice.userId, alice.username, false)).toEqual([]);
    expect(view.apply(disconnected('pod-a'), 0)).toEqual([{ ...alice, status: 'offline' }]);
  });

  test('when our own events come back, then they do not add our users a second time', () => {
    const view = newView();
    view.setLocal(alice.userId, alice.username, true);
    expect(view.apply(connected(self), 0)).toEqual([]);
    expect(view.setLocal(alice.userId, alice.username, false)).toEqual([
      { ...alice, status: 'offline' },
    ]);
  });

  test('when a heartbeat omits a user, then that user is dropped for that process', () => {
    const view = newView();
    view.apply(connected('pod-a', alice), 0);
    view.apply(connected('pod-a', bob), 0);
    expect(view.apply(heartbeat('pod-a', [bob]), 1)).toEqual([{ ...alice, status: 'offline' }]);
    expect(view.isOnline(bob.userId)).toBe(true);
  });

  test('when a new process learns from a heartbeat, then its users come online', () => {
    const view = newView();
    expect(view.apply(heartbeat('pod-a', [alice, bob]), 0)).toEqual([
      { ...alice, status: 'online' },
      { ...bob, status: 'online' },
    ]);
  });

  test('when a heartbeat comes in chunks, then absentees are dropped only after the last chunk', () => {
    const view = newView();
    view.apply(connected('pod-a', alice), 0);
    view.apply(connected('pod-a', bob), 0);
    const carol = { userId: 'u-carol', username: 'carol' };
    expect(view.apply(heartbeat('pod-a', [carol], { chunk: 0, chunks: 2 }), 1)).toEqual([
      { ...carol, status: 'online' },
    ]);
    expect(view.isOnline(alice.userId)).toBe(true);
    expect(view.apply(heartbeat('pod-a', [bob], { chunk: 1, chunks: 2 }), 2)).toEqual([
      { ...alice, status: 'offline' },
    ]);
    expect(view.isOnline(bob.userId)).toBe(true);
    expect(view.isOnline(carol.userId)).toBe(true);
  });

  test('when a user connects between two chunks, then the completed snapshot keeps them', () => {
    const view = newView();
    view.apply(heartbeat('pod-a', [bob], { chunk: 0, chunks: 2 }), 0);
    view.apply(connected('pod-a', alice), 1);
    view.apply(heartbeat('pod-a', [], { chunk: 1, chunks: 2 }), 2);
    expect(view.isOnline(alice.userId)).toBe(true);
    expect(view.isOnline(bob.userId)).toBe(true);
  });

  test('when a process says goodbye, then all its users go offline at once', () => {
    const view = newView();
    view.apply(heartbeat('pod-a', [alice, bob]), 0);
    view.apply(connected('pod-b', bob), 0);
    expect(view.apply(stopped('pod-a'), 1)).toEqual([{ ...alice, status: 'offline' }]);
    expect(view.isOnline(bob.userId)).toBe(true);
    expect(view.instances()).toBe(2); // self and pod-b
  });

  test('when a process is silent for longer than its lease, then its users expire', () => {
    const view = newView();
    view.apply(heartbeat('pod-a', [alice]), 0);
    view.apply(echo(), 2_000);
    expect(view.expire(3_000)).toEqual([]);
    view.apply(echo(), 3_500);
    expect(view.expire(3_001 + 500)).toEqual([{ ...alice, status: 'offline' }]);
    expect(view.instances()).toBe(1);
  });

  test('when our own events stop coming back, then nobody is expired (our consumer is stuck)', () => {
    const view = newView();
    view.apply(heartbeat('pod-a', [alice]), 0);
    view.apply(echo(), 0);
    expect(view.expire(10_000)).toEqual([]);
    expect(view.isOnline(alice.userId)).toBe(true);
    view.apply(echo(), 10_000);
    expect(view.expire(10_000)).toEqual([{ ...alice, status: 'offline' }]);
  });

  test('when a process keeps heartbeating, then its users never expire', () => {
    const view = newView();
    for (let t = 0; t <= 30_000; t += 1_000) {
      view.apply(heartbeat('pod-a', [alice], { heartbeatId: crypto.randomUUID() }), t);
      view.apply(echo(), t);
      expect(view.expire(t + 999)).toEqual([]);
    }
    expect(view.isOnline(alice.userId)).toBe(true);
  });

  test('when our own sockets exist, then they never expire', () => {
    const view = newView();
    view.setLocal(alice.userId, alice.username, true);
    view.apply(echo(), 1_000_000);
    expect(view.expire(1_000_000)).toEqual([]);
    expect(view.isOnline(alice.userId)).toBe(true);
  });
});
