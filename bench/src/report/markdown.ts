// docs/performance.md holds hand-written analysis around one generated block, between the
// markers below, which every `make bench` replaces: the table of targets, the machine, CPU per
// phase (servers vs generator), the P2 ramp and the profiles' top frames.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { FanoutFigures } from '../phases/fanout.js';
import type { ProfileFigures } from '../phases/profile.js';
import type { CpuReport } from '../system/proc.js';
import type { BenchResults } from './results.js';

export const BEGIN =
  '<!-- bench:begin — written by `make bench` (bench/src/report); edit outside the markers -->';
export const END = '<!-- bench:end -->';

const f0 = (v: number) => Math.round(v).toLocaleString('en-US');
const f1 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(1));
const f2 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(2));
const esc = (s: string) => s.replaceAll('|', '\\|');

function isError(x: unknown): x is { error: string } {
  return typeof x === 'object' && x !== null && 'error' in x;
}

const cpuColumns = [
  'chat-a',
  'chat-b',
  'auth',
  'archive',
  'archive-ingest',
  'nginx',
  'postgres',
  'redis',
  'kafka',
  'ferretdb',
];

function cpuRow(name: string, cpu: CpuReport): string {
  const cell = (group: string) => {
    const g = cpu.groups.find((x) => x.name === group);
    return g ? f2(g.cores) : '';
  };
  return `| ${name} | ${cpu.wallSeconds.toFixed(0)} s | ${cpuColumns.map(cell).join(' | ')} | ${f2(cpu.referenceCores)} | **${f2(cpu.serverCores + cpu.referenceCores)}** | **${f2(cpu.generatorCores)}** | ${f2(cpu.machineBusyCores)} |`;
}

function fanoutRow(f: FanoutFigures): string {
  const r = f.run;
  return `| ${f0(f.offeredMessagesPerSec)} | ${f0(r.acksPerSec)} | ${f0(r.deliveriesPerSec)} | ${f1(r.delivery.p50)} | ${f1(r.delivery.p99)} | ${f1(r.ack.p99)} | ${r.counts.lost} | ${f2(f.cpu.serverCores)} | ${f2(f.cpu.generatorCores)} |`;
}

function profileSection(
  title: string,
  p: ProfileFigures | { error: string } | undefined,
): string[] {
  if (!p) return [];
  if (isError(p)) return [`**${title}**: no profile (${p.error}).`, ''];
  const s = p.summary;
  return [
    `**${title}** (\`${p.file}\`; busy ${f0(s.busyMs)} of ${f0(s.wallMs)} ms sampled): ` +
      s.categories
        .slice(0, 8)
        .map((c) => `${c.name} ${c.pct} %`)
        .join(', ') +
      '.',
    '',
    '| self % | function | where |',
    '|---:|---|---|',
    ...s.functions
      .slice(0, 12)
      .map((fn) => `| ${fn.pct} | \`${esc(fn.name)}\` | ${esc(fn.where || fn.category)} |`),
    '',
  ];
}

export function renderBlock(r: BenchResults): string {
  const m = r.machine;
  const lines: string[] = [BEGIN, ''];
  lines.push(
    `### Results of ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC (\`make bench\`, ${(r.durationSeconds / 60).toFixed(1)} min)`,
  );
  lines.push('');
  lines.push(
    `Machine: \`nproc\` ${m.nproc} (${m.cpuModel}), ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}. ` +
      `Load average before ${m.loadAverageBefore.map((x) => x.toFixed(2)).join(' / ')}` +
      (m.loadAverageAfter
        ? `, after ${m.loadAverageAfter.map((x) => x.toFixed(2)).join(' / ')}`
        : '') +
      ' (1 / 5 / 15 min).',
  );
  lines.push('');
  if (m.others && m.others.length > 0) {
    lines.push(
      `Besides the benchmark, ${f1(m.othersCpuSeconds ?? 0)} CPU-seconds went to other processes during the run: ` +
        m.others
          .slice(0, 5)
          .map((o) => `\`${esc(o.command.slice(0, 70))}\` ${f1(o.cpuSeconds)} s`)
          .join('; ') +
        '.',
    );
  } else {
    lines.push(
      'Besides the benchmark, no other process used more than 0.5 CPU-seconds during the run.',
    );
  }
  lines.push('');
  lines.push('| | target | measured | met? | what limits it |');
  lines.push('|---|---|---|:-:|---|');
  for (const t of r.targets) {
    const met = t.met === null ? '—' : t.met ? '✅ yes' : '❌ no';
    lines.push(`| **${t.id}** | ${esc(t.target)} | ${esc(t.measured)} | ${met} | ${esc(t.note)} |`);
  }
  lines.push('');

  // CPU per phase
  const cpuRows: string[] = [];
  const p2 = r.P2 && !isError(r.P2) ? r.P2 : undefined;
  if (r.P1 && !isError(r.P1)) cpuRows.push(cpuRow('P1 connect 50k', r.P1.cpu));
  if (p2) {
    for (const s of p2.ramp)
      cpuRows.push(cpuRow(`P2 ramp ${f0(s.offeredMessagesPerSec)}/s`, s.cpu));
    cpuRows.push(cpuRow('P2', p2.main.cpu));
    if (p2.withLogins) cpuRows.push(cpuRow('P2 + P5 logins', p2.withLogins.cpu));
  }
  if (r.P3 && !isError(r.P3)) cpuRows.push(cpuRow('P3', r.P3.cpu));
  if (r.P4 && !isError(r.P4)) cpuRows.push(cpuRow('P4', r.P4.cpu));
  if (r.P7 && !isError(r.P7)) cpuRows.push(cpuRow('P7 reference server', r.P7.reference.cpu));
  if (cpuRows.length > 0) {
    lines.push(
      'CPU per phase, in cores busy (CPU-seconds ÷ wall seconds; 2 = both cores), from `/proc/<pid>/stat`:',
    );
    lines.push('');
    lines.push(
      `| phase | wall | ${cpuColumns.join(' | ')} | reference | servers | generator | machine |`,
    );
    lines.push(`|---|---:|${cpuColumns.map(() => '---:').join('|')}|---:|---:|---:|---:|`);
    lines.push(...cpuRows);
    lines.push('');
  }

  if (p2) {
    lines.push(
      'P2 at rising rates (rooms of 10 over both chat processes; latency from the scheduled send):',
    );
    lines.push('');
    lines.push(
      '| offered msg/s | acked msg/s | deliveries/s | delivery p50 ms | p99 ms | ack p99 ms | lost | servers cores | generator cores |',
    );
    lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of [...p2.ramp, p2.main]) lines.push(fanoutRow(s));
    if (p2.withLogins) lines.push(`${fanoutRow(p2.withLogins)} ← with P5's logins`);
    lines.push('');
  }
  if (r.P7 && !isError(r.P7)) {
    lines.push('P7, the same workload in the same run:');
    lines.push('');
    lines.push(
      '| server | offered msg/s | acked msg/s | deliveries/s | delivery p50 ms | p99 ms | ack p99 ms | lost | server cores | generator cores |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const row = (name: string, f: FanoutFigures, cores: number) =>
      `| ${name} | ${f0(f.offeredMessagesPerSec)} | ${f0(f.run.acksPerSec)} | ${f0(f.run.deliveriesPerSec)} | ${f1(f.run.delivery.p50)} | ${f1(f.run.delivery.p99)} | ${f1(f.run.ack.p99)} | ${f.run.counts.lost} | ${f2(cores)} | ${f2(f.cpu.generatorCores)} |`;
    lines.push(row('chat-service', r.P7.ours, r.P7.ours.cpu.serverCores));
    lines.push(row('reference', r.P7.reference, r.P7.reference.cpu.referenceCores));
    lines.push('');
  }
  const profiles: string[] = [
    ...profileSection('P2, chat-a', p2?.profile),
    ...profileSection('P3, chat-a', r.P3 && !isError(r.P3) ? r.P3.profile : undefined),
  ];
  if (profiles.length > 0) {
    lines.push('CPU profiles (self time, the sampled process only):');
    lines.push('');
    lines.push(...profiles);
  }
  lines.push('All figures: [performance.json](performance.json).');
  lines.push('');
  lines.push(END);
  return lines.join('\n');
}

/** Replaces the generated block of `file` (or appends one). */
export function writeMarkdown(file: string, r: BenchResults): void {
  const block = renderBlock(r);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n\n';
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? text.slice(0, begin) + block + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
