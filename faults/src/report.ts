// The table of a fault run, its last line, and the findings worth reading when something failed.
import { formatMs } from './timing.js';
import type { Finding } from './verify.js';

export interface PhaseResult {
  fault: string;
  title: string;
  /** False for the baseline (no fault) row. */
  isFault: boolean;
  /** Messages written during this phase, and how many of them were acknowledged. */
  sent: number;
  acknowledged: number;
  /** From the check after this phase, over every message of the run so far. */
  lost: number;
  duplicated: number;
  gaps: number;
  /** Longest time a user saw a hole (a later seq before an earlier one) until it was filled. */
  maxGapRepairMs: number | undefined;
  /** Longest time from a user's socket dropping to its rooms being rejoined and complete. */
  maxResumeMs: number | undefined;
  /** Fault injected → every process ready, every client connected, joined and acknowledged again. */
  recoveryMs: number | undefined;
  durationMs: number;
  reconnects: number;
  retries: number;
  notes: string[];
  problems: string[];
  findings: Finding[];
  ok: boolean;
}

const columns = [
  ['fault', 18],
  ['sent', 6],
  ['acked', 6],
  ['lost', 5],
  ['dup', 4],
  ['gaps', 5],
  ['gap repair', 11],
  ['resume', 8],
  ['recovery', 9],
  ['result', 7],
] as const;

function row(cells: readonly string[]): string {
  return cells
    .map((cell, i) => {
      const width = columns[i]?.[1] ?? 0;
      return i === 0 ? cell.padEnd(width) : cell.padStart(width);
    })
    .join('  ');
}

export function renderTable(results: readonly PhaseResult[]): string {
  const lines = [row(columns.map(([name]) => name))];
  for (const r of results) {
    lines.push(
      `${row([
        r.fault,
        String(r.sent),
        String(r.acknowledged),
        String(r.lost),
        String(r.duplicated),
        String(r.gaps),
        formatMs(r.maxGapRepairMs),
        formatMs(r.maxResumeMs),
        formatMs(r.recoveryMs),
        r.ok ? 'ok' : 'FAILED',
      ])}  ${[...r.notes, `${r.reconnects} reconnects, ${r.retries} resends`].join('; ')}`,
    );
  }
  return lines.join('\n');
}

/**
 * Exactly `faults: <n> faults, <acked> acknowledged, <lost> lost`; `? lost` when the stores could
 * not be checked (so only a checked run ends in `0 lost`).
 */
export function finalLine(
  results: readonly PhaseResult[],
  acknowledged: number,
  lost: number | undefined,
): string {
  const n = results.filter((r) => r.isFault).length;
  return `faults: ${n} faults, ${acknowledged} acknowledged, ${lost ?? '?'} lost`;
}

/** What failed, phase by phase, with at most `perPhase` findings each. */
export function renderFailures(results: readonly PhaseResult[], perPhase = 15): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.ok) continue;
    lines.push(`FAILED ${r.fault} (${r.title}):`);
    for (const problem of r.problems) lines.push(`  - ${problem}`);
    for (const finding of r.findings.slice(0, perPhase)) {
      lines.push(`  - ${finding.kind}: ${finding.detail}`);
    }
    if (r.findings.length > perPhase) {
      lines.push(`  … and ${r.findings.length - perPhase} more (see the JSON results)`);
    }
  }
  return lines.join('\n');
}
