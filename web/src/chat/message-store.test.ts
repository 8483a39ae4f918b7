import { message } from '../test/fakes';
import { contiguousSeq, hasGap, mergeMessages } from './message-store';

const seqs = (messages: readonly { seq: number }[]) => messages.map((m) => m.seq);

describe('message store', () => {
  it('when live messages follow the newest held, then they are appended', () => {
    expect(seqs(mergeMessages([message(1), message(2)], [message(3), message(4)]))).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it('when a replay overlaps live messages, then each seq is kept once, in order', () => {
    const held = [message(1), message(3), message(4)];
    const replay = [message(2), message(3), message(4), message(5)];
    expect(seqs(mergeMessages(held, replay))).toEqual([1, 2, 3, 4, 5]);
  });

  it('when a history page arrives newest first, then it is sorted before the held messages', () => {
    const history = [message(3), message(2), message(1)];
    expect(seqs(mergeMessages([message(4)], history))).toEqual([1, 2, 3, 4]);
  });

  it('when nothing is new, then the same array is returned (no re-render)', () => {
    const held = [message(1), message(2)];
    expect(mergeMessages(held, [message(2)])).toBe(held);
    expect(mergeMessages(held, [])).toBe(held);
  });

  it('when a duplicate carries different content, then the first copy wins', () => {
    const merged = mergeMessages([message(1, { text: 'first' })], [message(1, { text: 'again' })]);
    expect(merged.map((m) => m.text)).toEqual(['first']);
  });

  it('when messages after the baseline have a gap, then the contiguous seq stops before it', () => {
    const held = [message(8), message(9), message(10), message(11), message(13)];
    expect(contiguousSeq(held, 10)).toBe(11);
    expect(hasGap(held, 10)).toBe(true);
    expect(hasGap(held.slice(0, 4), 10)).toBe(false);
  });

  it('when nothing newer than the baseline is held, then the baseline is the contiguous seq', () => {
    expect(contiguousSeq([message(3)], 5)).toBe(5);
    expect(contiguousSeq([], 0)).toBe(0);
  });
});
