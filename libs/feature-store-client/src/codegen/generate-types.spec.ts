import type { Registry as RegistryClass } from '@feature-store/core';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateTypes } from './generate-types';

const ROOT = join(__dirname, '../../../..');
const TESTING = join(__dirname, '..', 'testing');
const registryPath = relative(ROOT, join(TESTING, 'test-registry.yaml'));

describe('generateTypes', () => {
  // Imported as the generator imports it (lazily: the core is an optional peer of the package).
  let Registry: typeof RegistryClass;
  beforeAll(async () => ({ Registry } = await import('@feature-store/core')));

  it('gives the checked-in types of the test registry (regenerate them when this fails)', () => {
    const expected = readFileSync(join(TESTING, 'test-registry.ts'), 'utf8');
    expect(generateTypes(Registry.fromFile(join(ROOT, registryPath)), registryPath)).toBe(expected);
  });

  it('writes join keys, composite keys and feature services with each whole view expanded, in the registry order', () => {
    const text = generateTypes(Registry.fromFile(join(ROOT, registryPath)), 'r.yaml');
    expect(text).toContain("readonly joinKey: 'driver_id';\n      readonly joinKeyType: 'int';");
    expect(text).toContain("readonly entities: readonly ['driver', 'customer'];");
    expect(text).toContain(
      "readonly version: 2;\n      readonly features: readonly [\n        'driver_hourly_stats:conv_rate',\n        'driver_hourly_stats:acc_rate',\n" +
        "        'driver_hourly_stats:avg_daily_trips',\n        'driver_customer_stats:trips_together',\n      ];",
    );
    // An entity without views of its own reads nothing.
    expect(text).toContain("readonly customer: {\n      readonly joinKey: 'customer_id';\n      readonly joinKeyType: 'string';\n      readonly features: Record<never, never>;");
  });

  it('keeps descriptions on one line and cannot close its comment early', () => {
    const registry = Registry.fromObject({
      entities: { user: { description: 'ends */ here\nand goes on' } },
      views: { v: { entity: 'user', features: { f: { type: 'bool', description: 'a */ b' } } } },
    });
    const text = generateTypes(registry, 'r.yaml');
    expect(text).toContain('/** ends *\\/ here and goes on */');
    expect(text).toContain('/** a *\\/ b */');
    expect(text).toContain('readonly featureServices: Record<never, never>;');
  });
});

describe('feature-store-codegen', () => {
  const cli = join(__dirname, 'cli.ts');
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: ROOT, encoding: 'utf8' });
  let scratch: string;
  beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'codegen-'))));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes the types, and --check passes on them and fails once they drift', () => {
    const out = join(scratch, 'types', 'features.ts');
    expect(run('--registry', registryPath, '--out', out).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(TESTING, 'test-registry.ts'), 'utf8'));
    expect(run('--registry', registryPath, '--out', out, '--check').status).toBe(0);
    writeFileSync(out, readFileSync(out, 'utf8').replace("'float'", "'int'"));
    const drifted = run('--registry', registryPath, '--out', out, '--check');
    expect(drifted.status).toBe(1);
    expect(drifted.stderr).toContain('is not what');
  });

  it('names every bad entry of an invalid registry, and exits 2', () => {
    const bad = join(scratch, 'bad.yaml');
    writeFileSync(bad, 'entities:\n  user: {}\nviews:\n  v:\n    entity: nobody\n    features: { x: int }\n');
    const result = run('--registry', bad);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nobody');
  });

  it('exits 2 with its usage without --registry', () => {
    const result = run();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: feature-store-codegen');
  });
});
