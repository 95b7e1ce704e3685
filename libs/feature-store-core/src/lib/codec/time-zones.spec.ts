import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../../../..');
const JEST = join(ROOT, 'node_modules/jest/bin/jest.js');
const ZONES = ['America/New_York', 'Asia/Kolkata'];
/**
 * The specs of every way a time enters the store: the codec (push bodies, timestamp features,
 * toEpochMs), stream entries, and rows encoded for a write.
 */
const SPECS = ['src/lib/codec/codec.spec.ts', 'src/lib/stream/stream-entry.spec.ts', 'src/lib/write/row-encoder.spec.ts'];

/** Runs the specs in a Jest of its own under TZ=zone; Jest's JSON report on stdout. */
async function specsIn(zone: string) {
  const env = { ...process.env, TZ: zone };
  // The zone is real in a child of this Node: local midnight of 2026-01-01 is not UTC's.
  const { stdout: offset } = await run(process.execPath, ['-e', 'process.stdout.write(String(new Date(2026, 0, 1).getTimezoneOffset()))'], { env });
  const paths = SPECS.map((spec) => join('libs/feature-store-core', spec));
  const { stdout } = await run(process.execPath, [JEST, '-c', 'libs/feature-store-core/jest.config.cjs', '--runTestsByPath', ...paths, '--json'], {
    cwd: ROOT,
    env,
    maxBuffer: 16 << 20,
  });
  const report = JSON.parse(stdout) as { numTotalTestSuites: number; numFailedTests: number; numPendingTests: number; numPassedTests: number };
  return { offset: Number(offset), ...report };
}

describe('times without an offset are UTC in any time zone of the host', () => {
  it.each(ZONES)('reads push, stream and timestamp-feature times the same under TZ=%s', async (zone) => {
    const result = await specsIn(zone);
    expect(result.offset).not.toBe(0);
    expect(result).toMatchObject({ numTotalTestSuites: SPECS.length, numFailedTests: 0, numPendingTests: 0 });
    expect(result.numPassedTests).toBeGreaterThan(50);
  }, 90_000);
});
