import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../../..');
const JEST = join(ROOT, 'node_modules/jest/bin/jest.js');
const ZONES = ['America/New_York', 'Asia/Kolkata'];

/** Runs sources.spec.ts in a Jest of its own under TZ=zone; Jest's JSON report on stdout. */
async function sourcesSpecIn(zone: string) {
  const env = { ...process.env, TZ: zone };
  // The zone is real in a child of this Node: local midnight of 2026-01-01 is not UTC's.
  const { stdout: offset } = await run(process.execPath, ['-e', 'process.stdout.write(String(new Date(2026, 0, 1).getTimezoneOffset()))'], { env });
  const { stdout } = await run(process.execPath, [JEST, '-c', 'apps/ingestor/jest.config.cjs', '--runTestsByPath', 'apps/ingestor/src/loader/sources.spec.ts', '--json'], {
    cwd: ROOT,
    env,
    maxBuffer: 16 << 20,
  });
  const report = JSON.parse(stdout) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
  return { offset: Number(offset), ...report };
}

describe('the loader reads times as UTC in any time zone', () => {
  it.each(ZONES)('reads CSV, JSON Lines and Parquet the same under TZ=%s', async (zone) => {
    const result = await sourcesSpecIn(zone);
    expect(result.offset).not.toBe(0);
    expect(result).toMatchObject({ numPassedTests: 3, numFailedTests: 0, numPendingTests: 0 });
  }, 60_000);
});
