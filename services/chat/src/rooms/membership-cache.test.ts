import { createMembershipCache } from './membership-cache.js';

describe('membership cache', () => {
  test('when an entry is older than the TTL, then it is forgotten', () => {
    let now = 1_000;
    const cache = createMembershipCache({ ttlMs: 100, now: () => now });
    cache.set('r', 'u', true);
    now += 99;
    expect(cache.get('r', 'u')).toBe(true);
    now += 1;
    expect(cache.get('r', 'u')).toBeUndefined();
  });

  test('when the cache is full, then the oldest entries make room', () => {
    const cache = createMembershipCache({ ttlMs: 60_000, maxEntries: 2 });
    cache.set('r', 'a', true);
    cache.set('r', 'b', false);
    cache.set('r', 'a', true); // refreshed: now the newest
    cache.set('r', 'c', true);
    expect(cache.get('r', 'b')).toBeUndefined();
    expect(cache.get('r', 'a')).toBe(true);
    expect(cache.get('r', 'c')).toBe(true);
  });

  test('when the TTL is 0, then nothing is cached', () => {
    const cache = createMembershipCache({ ttlMs: 0 });
    cache.set('r', 'u', true);
    expect(cache.get('r', 'u')).toBeUndefined();
  });

  test('when room and user ids contain the separator-free parts of each other, then keys do not collide', () => {
    const cache = createMembershipCache({ ttlMs: 60_000 });
    cache.set('ab', 'c', true);
    expect(cache.get('a', 'bc')).toBeUndefined();
  });
});
