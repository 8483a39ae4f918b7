/* global __ENV */
// The end-of-test report of every scenario (handleSummary): the thresholds with their verdict,
// the scenario's own figures, and ONE line starting `[k6] <scenario> <profile>:` that scripts
// grep (make k6-smoke prints it). With `-e SUMMARY_DIR=<dir>` the full k6 summary data is also
// written to <dir>/<scenario>.json for later comparison.
import { PROFILE } from './env.js';

/**
 * A metric's value (`count`, `rate`, `p(99)`, `med` …), or undefined when it has none (a trend
 * without samples reports zeros, which would read as a measurement).
 */
export function metric(data, name, stat) {
  const values = data.metrics[name]?.values;
  if (!values || (data.metrics[name].type === 'trend' && !values.count)) return undefined;
  return values[stat];
}

/** `12.3` for numbers, `-` when a metric had no samples. */
export function fmt(value, digits = 1) {
  return value === undefined || Number.isNaN(value) ? '-' : Number(value).toFixed(digits);
}

/** Every threshold as `{metric, expression, ok}`. */
export function thresholds(data) {
  const out = [];
  for (const [name, m] of Object.entries(data.metrics)) {
    for (const [expression, verdict] of Object.entries(m.thresholds ?? {})) {
      out.push({ metric: name, expression, ok: verdict.ok });
    }
  }
  return out.sort((a, b) => a.metric.localeCompare(b.metric));
}

const trendLine = (data, name, label) => {
  const v = data.metrics[name]?.values;
  if (!v) return null;
  if (!v.count) return `  ${label.padEnd(34)} n=     0`;
  return (
    `  ${label.padEnd(34)} n=${fmt(v.count, 0).padStart(6)}  p50 ${fmt(v.med)}  p90 ${fmt(v['p(90)'])}` +
    `  p99 ${fmt(v['p(99)'])}  max ${fmt(v.max)} ms`
  );
};

/**
 * handleSummary's answer: a readable report on stdout, and the JSON when SUMMARY_DIR is set.
 * @param {object} data      k6's summary data
 * @param {string} scenario  the script's name (chat-ws, auth …)
 * @param {string} line      the one-line summary (without the `[k6] scenario profile:` head)
 * @param {{trends?: [string, string][], counters?: [string, string][]}} detail metrics to list
 */
export function report(data, scenario, line, detail = {}) {
  const all = thresholds(data);
  const failed = all.filter((t) => !t.ok);
  const out = [
    `\n[k6] ${scenario}, profile ${PROFILE}, ${fmt(data.state.testRunDurationMs / 1000)} s`,
  ];
  for (const [name, label] of detail.trends ?? []) {
    const l = trendLine(data, name, label);
    if (l) out.push(l);
  }
  for (const [name, label] of detail.counters ?? []) {
    const v = data.metrics[name]?.values;
    if (v) out.push(`  ${label.padEnd(34)} ${fmt(v.count, 0)}`);
  }
  const checks = data.root_group?.checks ?? [];
  const checkFails = checks.reduce((sum, c) => sum + c.fails, 0);
  const checkPasses = checks.reduce((sum, c) => sum + c.passes, 0);
  out.push(`  ${'checks'.padEnd(34)} ${checkPasses} passed, ${checkFails} failed`);
  for (const c of checks.filter((c) => c.fails > 0))
    out.push(`    FAILED check: ${c.name} (${c.fails}×)`);
  out.push('  thresholds:');
  for (const t of all) out.push(`    ${t.ok ? 'ok    ' : 'FAILED'} ${t.metric}: ${t.expression}`);
  const verdict = failed.length === 0 ? 'thresholds ok' : `${failed.length} threshold(s) FAILED`;
  out.push(`[k6] ${scenario} ${PROFILE}: ${line}; ${verdict}\n`);

  const result = { stdout: out.join('\n') + '\n' };
  if (__ENV.SUMMARY_DIR) {
    result[`${__ENV.SUMMARY_DIR}/${scenario}.json`] = JSON.stringify(data, null, 2);
  }
  return result;
}
