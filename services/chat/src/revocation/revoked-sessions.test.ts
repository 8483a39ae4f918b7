import { createRevokedSessions } from './revoked-sessions.js';

describe('revoked sessions', () => {
  let now = 0;
  beforeEach(() => {
    now = 0;
  });

  test('when a session was revoked, then it is refused until its tokens would have expired', () => {
    const revoked = createRevokedSessions({ ttlMs: 1_000, now: () => now });
    revoked.add('s1');
    expect(revoked.has('s1')).toBe(true);
    expect(revoked.has('s2')).toBe(false);
    now = 999;
    expect(revoked.has('s1')).toBe(true);
    now = 1_000;
    expect(revoked.has('s1')).toBe(false);
  });

  test('when more sessions are revoked than kept, then the oldest are forgotten first', () => {
    const revoked = createRevokedSessions({ ttlMs: 60_000, maxEntries: 2, now: () => now });
    revoked.add('s1');
    revoked.add('s2');
    revoked.add('s3');
    expect(revoked.has('s1')).toBe(false);
    expect(revoked.has('s2')).toBe(true);
    expect(revoked.has('s3')).toBe(true);
  });
});
