// Prints the closing line CI reads (`tests: N passed, N failed`) from Jest's --json report,
// and exits non-zero when anything failed or when no test ran at all.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: test-summary.mjs <jest-report.json>');
const report = JSON.parse(readFileSync(file, 'utf8'));
const failedSuites = report.numFailedTestSuites + (report.numRuntimeErrorTestSuites ?? 0);
console.log(
  `suites: ${report.numPassedTestSuites} passed, ${failedSuites} failed, ${report.numPendingTestSuites} skipped`,
);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
if (report.numPendingTests > 0 || report.numTodoTests > 0) {
  console.error(`${report.numPendingTests + report.numTodoTests} tests are skipped or todo: not allowed`);
  process.exit(1);
}
if (!report.success || report.numTotalTests === 0 || failedSuites > 0) process.exit(1);
