// P4's lag, per message, from two counters: how many messages the producer had handed to Kafka
// by time t (acknowledged batches), and how many the archive had stored by time t (its
// archive_ingested_total, polled). The n-th message stored is matched with the n-th produced —
// Kafka's own "consumer lag in time", exact when ingest keeps the produce order and close to it
// across partitions that advance together. A message counted at a poll was stored at some time
// since the previous poll, so each lag is over-estimated by at most one poll interval.
import { Histogram } from './histogram.js';

/** A cumulative count at a time (ms, any common clock), in time order. */
export interface CountAt {
  t: number;
  count: number;
}

export interface IngestLag {
  lag: Histogram;
  /** Messages stored that were never seen produced (counter noise): 0 in a sound run. */
  unmatched: number;
}

export function ingestLag(produced: readonly CountAt[], ingested: readonly CountAt[]): IngestLag {
  const lag = new Histogram();
  let unmatched = 0;
  let p = 0; // produced[p] is the first produce sample whose count reaches message n
  let done = 0; // messages already matched
  for (const sample of ingested) {
    while (done < sample.count) {
      while (p < produced.length && (produced[p]?.count ?? 0) <= done) p += 1;
      const source = produced[p];
      const upTo = Math.min(sample.count, source?.count ?? sample.count);
      const n = upTo - done;
      if (!source) {
        unmatched += n;
      } else {
        const ms = Math.max(0, sample.t - source.t);
        lag.record(ms, n);
      }
      done = upTo;
    }
  }
  return { lag, unmatched };
}

/** Messages per second between the first and the last change of a cumulative counter. */
export function steadyRate(samples: readonly CountAt[]): {
  rate: number;
  ms: number;
  count: number;
} {
  const first = samples.find((s) => s.count > (samples[0]?.count ?? 0));
  const base = samples[0];
  const last = samples.at(-1);
  if (!first || !base || !last) return { rate: 0, ms: 0, count: 0 };
  // The first sample that moved marks the start (minus nothing: its count arrived by then).
  const previous = samples[samples.indexOf(first) - 1] ?? base;
  const end = samples.find((s) => s.count >= last.count) ?? last;
  const ms = end.t - previous.t;
  const count = end.count - previous.count;
  return { rate: ms > 0 ? (count / ms) * 1_000 : 0, ms, count };
}

/**
 * Cumulative counts of several producers as one: at each sample time, the sum of every
 * producer's latest count so far (each series ascending in time and count).
 */
export function mergeCumulative(series: readonly (readonly CountAt[])[]): CountAt[] {
  const points = series
    .flatMap((samples, s) => samples.map((sample) => ({ ...sample, s })))
    .sort((a, b) => a.t - b.t);
  const latest = new Array<number>(series.length).fill(0);
  let total = 0;
  const merged: CountAt[] = [];
  for (const { t, count, s } of points) {
    total += count - (latest[s] ?? 0);
    latest[s] = count;
    if (merged.at(-1)?.t === t) merged[merged.length - 1] = { t, count: total };
    else merged.push({ t, count: total });
  }
  return merged;
}
