import { createTypingThrottle } from './typing-throttle.js';

describe('typing throttle', () => {
  let now = 0;
  const throttle = () => createTypingThrottle({ intervalMs: 500, now: () => now });

  beforeEach(() => {
    now = 0;
  });

  test('when the same state repeats within the interval, then only the first is forwarded', () => {
    const t = throttle();
    expect(t.shouldForward('u', 'r', true)).toBe(true);
    now = 100;
    expect(t.shouldForward('u', 'r', true)).toBe(false);
    now = 499;
    expect(t.shouldForward('u', 'r', true)).toBe(false);
    now = 500;
    expect(t.shouldForward('u', 'r', true)).toBe(true);
  });

  test('when the state changes, then it is forwarded at once', () => {
    const t = throttle();
    expect(t.shouldForward('u', 'r', true)).toBe(true);
    now = 10;
    expect(t.shouldForward('u', 'r', false)).toBe(true);
    now = 20;
    expect(t.shouldForward('u', 'r', true)).toBe(true);
  });

  test('when users or rooms differ, then they are throttled separately', () => {
    const t = throttle();
    expect(t.shouldForward('u1', 'r', true)).toBe(true);
    expect(t.shouldForward('u2', 'r', true)).toBe(true);
    expect(t.shouldForward('u1', 'r2', true)).toBe(true);
  });

  test('when the user left the room, then the next event is forwarded', () => {
    const t = throttle();
    t.shouldForward('u', 'r', true);
    t.forget('u', 'r');
    expect(t.shouldForward('u', 'r', true)).toBe(true);
  });

  test('when full, then stale entries are swept and memory stays bounded', () => {
    const t = createTypingThrottle({ intervalMs: 500, now: () => now, maxEntries: 3 });
    for (let i = 0; i < 100; i += 1) {
      now = i;
      expect(t.shouldForward(`u${i}`, 'r', true)).toBe(true);
    }
  });
});
