// `make test-faults` (full) and `make test-faults-short` (--short): see runner.ts for what a run
// does, docs/reliability.md for why. Prints a table per fault and ends with
// `faults: <n> faults, <acked> acknowledged, <lost> lost`; exits 1 on any loss, duplicate, gap,
// unrecovered service or error, 2 on a bad command line. The whole run is bounded.
import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cluster.js';
import { parseArgs, usage, type CliOptions } from './options.js';
import { finalLine, renderFailures, renderTable } from './report.js';
import { FaultRunner, type RunResult } from './runner.js';
import { formatMs } from './timing.js';

const outDir = join(repoRoot, '.infra/faults');

let cli: CliOptions;
try {
  cli = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`[faults] ${(error as Error).message}`);
  process.exit(2);
}
if (cli.help) {
  console.log(usage);
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const logFile = join(outDir, `${stamp}-${cli.profile.name}.log`);
const jsonFile = join(outDir, `${stamp}-${cli.profile.name}.json`);
const log = (line: string) => {
  const stamped = `${new Date().toISOString().slice(11, 23)} ${line}`;
  console.log(stamped);
  appendFileSync(logFile, `${stamped}\n`);
};

const runner = new FaultRunner({ profile: cli.profile, faults: cli.faults, logFile, log });
const started = Date.now();

function writeJson(result: RunResult | undefined, error: string | undefined): void {
  const body = {
    profile: cli.profile,
    faults: cli.faults,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    ok: result?.ok === true && error === undefined,
    error,
    setup: result?.setup,
    acknowledged: result?.acknowledged,
    lost: result?.lost,
    results: result?.results,
    clientEvents: runner.clientEvents().slice(0, 2_000),
    log: logFile,
  };
  writeFileSync(jsonFile, `${JSON.stringify(body, null, 2)}\n`);
  copyFileSync(jsonFile, join(outDir, `latest-${cli.profile.name}.json`));
}

let cleaning: Promise<void> | undefined;
const cleanUp = () => (cleaning ??= runner.cleanUp(cli.keepCluster));

async function abort(reason: string): Promise<never> {
  log(`[faults] FAILED: ${reason}`);
  writeJson(undefined, reason);
  await cleanUp();
  log(`[faults] results: ${jsonFile}`);
  const acknowledged = runner.ledger.records().filter((r) => r.ack).length;
  console.log(finalLine([], acknowledged, undefined));
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void abort(`interrupted (${signal})`));
}
const deadline = setTimeout(() => {
  void abort(
    `the run exceeded its ${formatMs(cli.profile.deadlineMs)} budget (${cli.profile.name} profile); see ${logFile}`,
  );
}, cli.profile.deadlineMs);

log(
  `[faults] ${cli.profile.name} run: ${cli.faults.join(', ')} (budget ${formatMs(cli.profile.deadlineMs)}; log ${logFile})`,
);
let result: RunResult;
try {
  result = await runner.run();
} catch (error) {
  clearTimeout(deadline);
  await abort((error as Error).stack ?? String(error));
  throw error; // unreachable: abort exits
}
clearTimeout(deadline);
await cleanUp();
writeJson(result, undefined);

const table = renderTable(result.results);
console.log(`\n${table}\n`);
appendFileSync(logFile, `\n${table}\n`);
const failures = renderFailures(result.results);
if (failures) {
  console.log(`${failures}\n`);
  appendFileSync(logFile, `${failures}\n`);
}
const skipped = cli.faults.length + 1 - result.results.length;
if (skipped > 0) log(`[faults] ${skipped} phase(s) not run: an earlier fault did not recover`);
log(
  `[faults] ${result.ok ? 'passed' : 'FAILED'} in ${formatMs(Date.now() - started)}; results: ${jsonFile}`,
);
console.log(finalLine(result.results, result.acknowledged, result.lost));
process.exit(result.ok ? 0 : 1);
