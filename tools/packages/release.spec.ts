// The release configuration of nx.json, run the way a release runs it but as a dry run: both
// packages move to the same version (the client's peer range on the core moves with it when the
// new version leaves the range) and the changelog entry is rendered. Nothing is written.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const version = (project: string) => (JSON.parse(readFileSync(join(ROOT, 'libs', project, 'package.json'), 'utf8')) as { version: string }).version;

/** The version after a patch release of `current` (x.y.z). */
function patched(current: string): string {
  const [major, minor, patch] = current.split('.').map(Number);
  return `${major}.${minor}.${Number(patch) + 1}`;
}

describe('nx release (dry run)', () => {
  let output: string;

  beforeAll(() => {
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/nx/dist/bin/nx.js'), 'release', 'patch', '--dry-run', '--skip-publish'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    output = `${result.stdout}${result.stderr}`;
    if (result.status !== 0) throw new Error(`nx release failed (exit ${result.status}):\n${output}`);
  }, 120_000);

  it('versions the two packages together', () => {
    const next = patched(version('feature-store-core'));
    expect(version('feature-store-client')).toBe(version('feature-store-core'));
    expect(output).toContain(`New version ${next} written to manifest: libs/feature-store-core/package.json`);
    expect(output).toContain(`New version ${next} written to manifest: libs/feature-store-client/package.json`);
  });

  it('renders the changelog entry, and writes nothing', () => {
    expect(output).toContain(`## ${patched(version('feature-store-core'))}`);
    expect(output).toContain('The "dryRun" flag means no changes were made');
    expect(output).toContain('Skipped publishing packages');
  });
});
