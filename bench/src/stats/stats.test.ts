import { bucketIndex, bucketRange, exactPercentile, Histogram, MAX_VALUE_US } from './histogram.js';
import { addCounts, DeliveryLedger, emptyCounts, popcount32 } from './ledger.js';
import { linearFit } from './regression.js';

/** A deterministic pseudo-random sequence (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Histogram', () => {
  test('buckets are contiguous and each value falls inside its own bucket', () => {
    let previousEnd = 0;
    for (let index = 0; index < 2_000; index++) {
      const { low, width } = bucketRange(index);
      expect(low).toBe(previousEnd);
      previousEnd = low + width;
    }
    for (const us of [0, 1, 511, 512, 513, 1023, 1024, 99_999, 1_234_567, MAX_VALUE_US]) {
      const { low, width } = bucketRange(bucketIndex(us));
      expect(us).toBeGreaterThanOrEqual(low);
      expect(us).toBeLessThan(low + width);
      // Exact below 512 µs, at most 1/256 of the value wide above.
      if (width > 1) expect(width / low).toBeLessThanOrEqual(1 / 256);
    }
  });

  test('small values are exact and percentiles use the nearest rank', () => {
    const h = new Histogram();
    for (const ms of [0.1, 0.2, 0.3, 0.4]) h.record(ms);
    expect(h.percentile(50)).toBe(0.2);
    expect(h.percentile(75)).toBe(0.3);
    expect(h.percentile(76)).toBe(0.4);
    expect(h.percentile(100)).toBe(0.4);
    expect(h.percentile(0)).toBe(0.1);
    expect(h.summary()).toMatchObject({ count: 4, min: 0.1, max: 0.4, mean: 0.25, p50: 0.2 });
  });

  test('percentiles stay within 0.2 % of the exact ones on a wide distribution', () => {
    const next = random(7);
    const values: number[] = [];
    const h = new Histogram();
    for (let i = 0; i < 50_000; i++) {
      // Log-normal-ish: microseconds to seconds, like latencies under load.
      const ms = Math.round(Math.exp(next() * 14 - 5) * 1_000) / 1_000;
      values.push(ms);
      h.record(ms);
    }
    for (const p of [1, 10, 50, 90, 99, 99.9, 100]) {
      const exact = exactPercentile(values, p);
      expect(Math.abs(h.percentile(p) - exact)).toBeLessThanOrEqual(exact * 0.002 + 0.001);
    }
  });

  test('an empty histogram has no percentiles', () => {
    const h = new Histogram();
    expect(h.percentile(99)).toBeNaN();
    expect(h.summary()).toEqual({
      count: 0,
      min: null,
      mean: null,
      p50: null,
      p90: null,
      p99: null,
      p999: null,
      max: null,
    });
  });

  test('merging equals recording everything in one histogram, also after serialization', () => {
    const next = random(11);
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 0; i < 10_000; i++) {
      const ms = next() * 200;
      (i % 3 === 0 ? a : b).record(ms);
      all.record(ms);
    }
    const merged = Histogram.from(JSON.parse(JSON.stringify(a)) as ReturnType<Histogram['toJSON']>);
    merged.merge(b.toJSON());
    expect(merged.summary()).toEqual(all.summary());
    expect(merged.count).toBe(10_000);
  });

  test('negative, huge and non-finite values are clamped, never thrown', () => {
    const h = new Histogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(1e12);
    expect(h.count).toBe(3);
    expect(h.minUs).toBe(0);
    expect(h.maxUs).toBe(MAX_VALUE_US);
  });

  test('a percentile outside [0, 100] is a programming error', () => {
    expect(() => new Histogram().percentile(101)).toThrow(RangeError);
    expect(() => new Histogram().percentile(Number.NaN)).toThrow(RangeError);
  });

  test('exactPercentile on small samples', () => {
    expect(exactPercentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(exactPercentile([5, 1, 3, 2, 4], 99)).toBe(5);
    expect(exactPercentile([], 50)).toBeNaN();
  });
});

describe('DeliveryLedger', () => {
  const roomOf = (ledger: DeliveryLedger, room: number, size: number) => {
    for (let m = 0; m < size; m++) ledger.setJoined(room, m, true);
  };

  test('popcount32', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0b1011)).toBe(3);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(-1)).toBe(32);
  });

  test('an acknowledged message is owed to every joined member but its sender', () => {
    const ledger = new DeliveryLedger(1);
    roomOf(ledger, 0, 10);
    const m = ledger.send(0, 3, 100);
    ledger.acked(m);
    for (let member = 0; member < 10; member++) if (member !== 3) ledger.received(m, member);
    expect(ledger.counts()).toMatchObject({
      sent: 1,
      acked: 1,
      expected: 9,
      delivered: 9,
      lost: 0,
    });
    expect(ledger.complete()).toBe(true);
    expect(ledger.scheduledAt(m)).toBe(100);
  });

  test('missing deliveries of acknowledged messages are lost; duplicates are counted apart', () => {
    const ledger = new DeliveryLedger(2);
    roomOf(ledger, 0, 4);
    roomOf(ledger, 1, 4);
    const a = ledger.send(0, 0, 0);
    const b = ledger.send(1, 1, 0);
    ledger.acked(a);
    ledger.acked(b);
    expect(ledger.received(a, 1)).toBe('ok');
    expect(ledger.received(a, 1)).toBe('duplicate');
    expect(ledger.received(a, 2)).toBe('ok');
    expect(ledger.received(b, 0)).toBe('ok');
    expect(ledger.complete()).toBe(false);
    expect(ledger.counts()).toMatchObject({
      expected: 6,
      delivered: 3,
      lost: 3,
      duplicates: 1,
    });
  });

  test('the sender receiving its own message is unexpected, not a delivery', () => {
    const ledger = new DeliveryLedger(1);
    roomOf(ledger, 0, 2);
    const m = ledger.send(0, 0, 0);
    ledger.acked(m);
    expect(ledger.received(m, 0)).toBe('unexpected');
    expect(ledger.received(m, 1)).toBe('ok');
    expect(ledger.counts()).toMatchObject({ delivered: 1, lost: 0, unexpected: 1 });
  });

  test('failed and pending messages are never lost, their deliveries are counted apart', () => {
    const ledger = new DeliveryLedger(1);
    roomOf(ledger, 0, 3);
    const failed = ledger.send(0, 0, 0);
    const pending = ledger.send(0, 0, 0);
    ledger.failed(failed);
    ledger.received(failed, 1);
    ledger.received(pending, 2);
    expect(ledger.counts()).toMatchObject({
      sent: 2,
      failed: 1,
      pending: 1,
      expected: 0,
      lost: 0,
      deliveredUnacked: 2,
    });
    expect(ledger.complete()).toBe(false); // a pending message: not settled yet
    ledger.acked(failed); // an ack after the failure does not resurrect it
    expect(ledger.stateOf(failed)).toBe(2);
  });

  test('a member that joined after a message was sent is not owed it', () => {
    const ledger = new DeliveryLedger(1);
    ledger.setJoined(0, 0, true);
    ledger.setJoined(0, 1, true);
    const before = ledger.send(0, 0, 0);
    ledger.setJoined(0, 2, true);
    const after = ledger.send(0, 0, 0);
    ledger.acked(before);
    ledger.acked(after);
    expect(ledger.counts(before, before + 1).expected).toBe(1);
    expect(ledger.counts(after, after + 1).expected).toBe(2);
    expect(ledger.joinedCount(0)).toBe(3);
  });

  test('pending and outstanding follow sends, acks and deliveries in any order', () => {
    const ledger = new DeliveryLedger(1);
    roomOf(ledger, 0, 3);
    const early = ledger.send(0, 0, 0);
    const late = ledger.send(0, 0, 0);
    expect(ledger.pending).toBe(2);
    ledger.received(early, 1); // delivered before its ack came back
    ledger.acked(early);
    expect(ledger.outstanding).toBe(1);
    ledger.acked(late);
    expect(ledger.outstanding).toBe(3);
    ledger.received(late, 1);
    ledger.received(late, 1); // a duplicate settles nothing
    ledger.received(late, 0); // nor does the sender's own copy
    expect(ledger.outstanding).toBe(2);
    expect(ledger.settled).toBe(false);
    ledger.received(early, 2);
    ledger.received(late, 2);
    expect(ledger.pending).toBe(0);
    expect(ledger.settled).toBe(true);
    const failed = ledger.send(0, 1, 0);
    expect(ledger.settled).toBe(false);
    ledger.failed(failed);
    expect(ledger.settled).toBe(true);
  });

  test('ranges select the messages of one run', () => {
    const ledger = new DeliveryLedger(1);
    roomOf(ledger, 0, 2);
    for (let i = 0; i < 10; i++) ledger.acked(ledger.send(0, 0, i));
    for (let i = 0; i < 5; i++) ledger.received(i, 1);
    expect(ledger.counts(0, 5)).toMatchObject({ sent: 5, lost: 0 });
    expect(ledger.counts(5, 10)).toMatchObject({ sent: 5, lost: 5 });
    expect(ledger.complete(0, 5)).toBe(true);
  });

  test('grows past its initial capacity up to the bound, then refuses', () => {
    const ledger = new DeliveryLedger(1, 40, 16);
    roomOf(ledger, 0, 2);
    for (let i = 0; i < 40; i++) ledger.acked(ledger.send(0, 1, i));
    expect(ledger.messageCount).toBe(40);
    expect(ledger.scheduledAt(39)).toBe(39);
    expect(() => ledger.send(0, 1, 0)).toThrow(/full/);
  });

  test('unknown message numbers and members are reported, not thrown', () => {
    const ledger = new DeliveryLedger(1);
    roomOf(ledger, 0, 2);
    expect(ledger.received(5, 1)).toBe('unknown');
    expect(ledger.received(-1, 1)).toBe('unknown');
    expect(ledger.received(0, 1)).toBe('unknown');
    expect(ledger.scheduledAt(3)).toBeNaN();
    expect(() => ledger.send(0, 32, 0)).toThrow(RangeError);
    expect(() => ledger.send(1, 0, 0)).toThrow(RangeError);
  });

  test('counts of several generator processes add up', () => {
    const one = { ...emptyCounts(), sent: 2, lost: 1 };
    const two = { ...emptyCounts(), sent: 3, delivered: 7 };
    expect(addCounts(one, two)).toMatchObject({ sent: 5, lost: 1, delivered: 7 });
  });
});

describe('linearFit', () => {
  test('recovers a slope and intercept from noisy points', () => {
    const next = random(3);
    const points = [0, 10_000, 20_000, 30_000, 40_000, 50_000].map((x) => ({
      x,
      y: 80_000 + 11.5 * x + (next() - 0.5) * 1_000,
    }));
    const fit = linearFit(points);
    expect(fit.slope).toBeCloseTo(11.5, 1);
    expect(fit.intercept).toBeGreaterThan(79_000);
    expect(fit.r2).toBeGreaterThan(0.999);
  });

  test('needs two distinct x values', () => {
    expect(() => linearFit([{ x: 1, y: 1 }])).toThrow(RangeError);
    expect(() =>
      linearFit([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toThrow(RangeError);
  });
});
