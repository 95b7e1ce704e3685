// Adds up the Jest JSON reports (one per test target, written with --json --outputFile) and
// prints the closing line CI reads: "N passed, N failed". A suite that failed to run counts as
// one failed test, so that a crash cannot pass for success.
// Usage: node --import tsx tools/ci/summarize-jest.ts [reports/jest]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The counts read from one report of `jest --json`. */
interface JestReport {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numRuntimeErrorTestSuites: number;
}

const dir = process.argv[2] ?? 'reports/jest';
let files: string[] = [];
try {
  files = readdirSync(dir).filter((file) => file.endsWith('.json'));
} catch {
  console.error(`no Jest reports in ${dir}`);
}
let passed = 0;
let failed = 0;
for (const file of files) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as JestReport;
  passed += report.numPassedTests;
  failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  console.log(`${file.replace(/\.json$/, '')}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
console.log(`${passed} passed, ${failed} failed`);
