#!/usr/bin/env node
// feature-store-codegen: writes the TypeScript types of a feature registry for @feature-store/client.
// It reads the registry with @feature-store/core's Registry, the validation the API itself runs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { generateTypes } from './generate-types';

const USAGE = `usage: feature-store-codegen --registry <registry.yaml> [--out <file.ts>] [--check]

Writes the TypeScript types of every entity, view and feature service of a feature registry, for
new FeatureStoreClient<FeatureRegistry>(...) of @feature-store/client. Needs @feature-store/core
(npm install --save-dev @feature-store/core), which validates the registry as the API does.

  --registry FILE   the registry (YAML or JSON), as the API's REGISTRY_PATH
  --out FILE        where to write the types (default: standard output)
  --check           write nothing; exit 1 when FILE is not what the registry gives
  -h, --help`;

/** Exit codes: 0 done, 1 the check found the file out of date, 2 bad usage or registry. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { registry: { type: 'string' }, out: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.registry === undefined || (values.check && values.out === undefined)) {
    console.error(USAGE);
    return 2;
  }
  const { Registry } = await loadCore();
  const text = generateTypes(Registry.fromFile(values.registry), values.registry);
  if (values.out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  if (values.check) {
    const current = existsSync(values.out) ? readFileSync(values.out, 'utf8') : null;
    if (current === text) return 0;
    console.error(`${values.out} is not what ${values.registry} gives: run feature-store-codegen --registry ${values.registry} --out ${values.out}`);
    return 1;
  }
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, text);
  console.error(`wrote ${values.out}`);
  return 0;
}

/** The core, an optional peer of the client: only this generator needs it. */
async function loadCore(): Promise<typeof import('@feature-store/core')> {
  try {
    return await import('@feature-store/core');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(error).includes('@feature-store/core')) {
      throw new Error('feature-store-codegen reads the registry with @feature-store/core: npm install --save-dev @feature-store/core', { cause: error });
    }
    throw error;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`feature-store-codegen: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
