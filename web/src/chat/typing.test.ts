import { jest } from '@jest/globals';
import { browserTimers } from '../shared/timers';
import { createTypingEmitter, createTypingRoster, typingLabel, type Typist } from './typing';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

const ana = { userId: 'u-ana', username: 'Ana' };
const bo = { userId: 'u-bo', username: 'Bo' };

describe('typing emitter', () => {
  it('when the user types, then "typing" is sent once, repeated while typing goes on, and stopped after a pause', () => {
    const emitted: boolean[] = [];
    const emitter = createTypingEmitter({ emit: (t) => emitted.push(t), timers: browserTimers });
    emitter.input(true);
    jest.advanceTimersByTime(1_000);
    emitter.input(true);
    expect(emitted).toEqual([true]);
    jest.advanceTimersByTime(1_600);
    emitter.input(true);
    expect(emitted).toEqual([true, true]);
    jest.advanceTimersByTime(3_000);
    expect(emitted).toEqual([true, true, false]);
  });

  it('when the field is emptied or the message sent, then "stopped" goes out at once, only once', () => {
    const emitted: boolean[] = [];
    const emitter = createTypingEmitter({ emit: (t) => emitted.push(t), timers: browserTimers });
    emitter.input(true);
    emitter.input(false);
    emitter.stop();
    jest.advanceTimersByTime(10_000);
    expect(emitted).toEqual([true, false]);
  });
});

describe('typing roster', () => {
  it('when someone types and then stops, then they are listed and removed', () => {
    const seen: (readonly Typist[])[] = [];
    const roster = createTypingRoster((t) => seen.push(t), { timers: browserTimers });
    roster.update(ana, true);
    roster.update(ana, true);
    roster.update(bo, true);
    roster.update(ana, false);
    expect(seen.map((t) => t.map((x) => x.username))).toEqual([['Ana'], ['Ana', 'Bo'], ['Bo']]);
  });

  it('when a typist never says they stopped, then they lapse after the TTL', () => {
    let current: readonly Typist[] = [];
    const roster = createTypingRoster((t) => (current = t), {
      timers: browserTimers,
      ttlMs: 6_000,
    });
    roster.update(ana, true);
    jest.advanceTimersByTime(5_000);
    roster.update(ana, true);
    jest.advanceTimersByTime(5_000);
    expect(current).toHaveLength(1);
    jest.advanceTimersByTime(1_000);
    expect(current).toHaveLength(0);
  });
});

describe('typing label', () => {
  it.each([
    [[], ''],
    [[ana], 'Ana is typing…'],
    [[ana, bo], 'Ana and Bo are typing…'],
    [[ana, bo, { userId: 'c', username: 'Cy' }], 'Ana, Bo and Cy are typing…'],
    [[ana, bo, ana, bo], 'Ana, Bo and 2 others are typing…'],
  ])('when %j type, then the label reads "%s"', (typists, label) => {
    expect(typingLabel(typists)).toBe(label);
  });
});
