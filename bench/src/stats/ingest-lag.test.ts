import { ingestLag, mergeCumulative, steadyRate } from './ingest-lag.js';

describe('ingestLag', () => {
  test('matches the n-th stored message with the n-th produced one', () => {
    // 100 produced at t=0, 100 more at t=100; the archive had 50 at t=50, 150 at t=200, 200 at t=300.
    const produced = [
      { t: 0, count: 100 },
      { t: 100, count: 200 },
    ];
    const ingested = [
      { t: 0, count: 0 },
      { t: 50, count: 50 },
      { t: 200, count: 150 },
      { t: 300, count: 200 },
    ];
    const { lag, unmatched } = ingestLag(produced, ingested);
    expect(unmatched).toBe(0);
    expect(lag.count).toBe(200);
    // 50 at 50 ms, 50 at 200 ms (produced at 0), 50 at 100 ms (produced at 100), 50 at 200 ms.
    // (Values above 0.512 ms are kept to 1/256: compare within 0.2 %.)
    expect(lag.percentile(25)).toBeCloseTo(50, 0);
    expect(lag.percentile(50)).toBeCloseTo(100, 0);
    expect(lag.percentile(100)).toBe(200);
  });

  test('stored messages never seen produced are counted apart', () => {
    const { lag, unmatched } = ingestLag([{ t: 0, count: 10 }], [{ t: 5, count: 12 }]);
    expect(lag.count).toBe(10);
    expect(unmatched).toBe(2);
  });

  test('nothing stored, nothing measured', () => {
    expect(ingestLag([{ t: 0, count: 10 }], []).lag.count).toBe(0);
  });
});

describe('steadyRate', () => {
  test('from the last sample before the counter moved to the first at its final value', () => {
    const samples = [
      { t: 0, count: 0 },
      { t: 1_000, count: 0 },
      { t: 2_000, count: 500 },
      { t: 3_000, count: 1_000 },
      { t: 4_000, count: 1_000 },
    ];
    expect(steadyRate(samples)).toEqual({ rate: 500, ms: 2_000, count: 1_000 });
  });

  test('a counter that never moved has no rate', () => {
    expect(steadyRate([{ t: 0, count: 5 }]).rate).toBe(0);
    expect(steadyRate([]).rate).toBe(0);
  });
});

describe('mergeCumulative', () => {
  it('sums each producer’s latest count at every sample time', () => {
    const a = [
      { t: 10, count: 100 },
      { t: 30, count: 250 },
    ];
    const b = [
      { t: 20, count: 40 },
      { t: 30, count: 90 },
      { t: 50, count: 120 },
    ];
    expect(mergeCumulative([a, b])).toEqual([
      { t: 10, count: 100 },
      { t: 20, count: 140 },
      { t: 30, count: 340 },
      { t: 50, count: 370 },
    ]);
  });

  it('is the series itself for one producer, and empty for none', () => {
    const a = [
      { t: 1, count: 5 },
      { t: 2, count: 9 },
    ];
    expect(mergeCumulative([a])).toEqual(a);
    expect(mergeCumulative([])).toEqual([]);
  });
});
