// Prints the closing line CI reads (`tests: N passed, N failed`) from Jest's --json report,
// and exits non-zero when anything failed or when no test ran at all.
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: test-summary.mjs <jest-report.json>...');
const keys = [
  'numPassedTestSuites',
  'numFailedTestSuites',
  'numRuntimeErrorTestSuites',
  'numPendingTestSuites',
  'numPassedTests',
  'numFailedTests',
  'numPendingTests',
  'numTodoTests',
  'numTotalTests',
];
// Sums the reports of every phase; a missing report (a phase that crashed) counts as a failure.
const report = { success: true };
for (const key of keys) report[key] = 0;
for (const file of files) {
  let part;
  try {
    part = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.error(`no Jest report at ${file}: that phase did not finish`);
    report.success = false;
    continue;
  }
  for (const key of keys) report[key] += part[key] ?? 0;
  report.success &&= part.success;
}
const failedSuites = report.numFailedTestSuites + (report.numRuntimeErrorTestSuites ?? 0);
console.log(
  `suites: ${report.numPassedTestSuites} passed, ${failedSuites} failed, ${report.numPendingTestSuites} skipped`,
);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
if (report.numPendingTests > 0 || report.numTodoTests > 0) {
  console.error(
    `${report.numPendingTests + report.numTodoTests} tests are skipped or todo: not allowed`,
  );
  process.exit(1);
}
if (!report.success || report.numTotalTests === 0 || failedSuites > 0) process.exit(1);
