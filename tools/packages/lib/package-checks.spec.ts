import { builtinModules } from 'node:module';
import { checkDependencies, esmWrapper, packageOf, requiredPackages } from './package-checks';

const builtins = new Set(builtinModules);

describe('packageOf', () => {
  it.each([
    ['yaml', 'yaml'],
    ['zod/v4', 'zod'],
    ['@feature-store/core', '@feature-store/core'],
    ['@scope/name/sub/path', '@scope/name'],
  ])('%s -> %s', (specifier, name) => expect(packageOf(specifier)).toBe(name));
});

describe('requiredPackages', () => {
  it('keeps bare specifiers, drops relative paths and Node built-ins', () => {
    const code = ['const a = require("./a");\nconst fs = require("node:fs");\nconst os = require("os");', 'const z = require("zod/v4"); require("@s/p/x"); await import(\'late\');'];
    expect([...requiredPackages(code, builtins)].sort()).toEqual(['@s/p', 'late', 'zod']);
  });
});

describe('checkDependencies', () => {
  const manifest = { name: 'p', version: '1.0.0', dependencies: { yaml: '^2.9.1', zod: '^4.0.0' }, peerDependencies: { ioredis: '^6.0.0', unused: '^1.0.0' } };
  const code = ['require("yaml"); require("zod"); require("ioredis"); require("undeclared");'];

  it('names undeclared, unused and drifting dependencies', () => {
    expect(checkDependencies(manifest, code, { yaml: '^2.9.1', zod: '^4.6.7', ioredis: '^6.0.0' }, builtins)).toEqual([
      'requires undeclared, which package.json does not declare',
      'declares zod@^4.0.0; the workspace has ^4.6.7',
      'declares unused, which the code never requires',
    ]);
  });

  it('accepts a package whose code and manifest agree', () => {
    expect(checkDependencies({ name: 'p', version: '1.0.0', peerDependencies: { ioredis: '^6.0.0' } }, ['require("ioredis")'], { ioredis: '^6.0.0' }, builtins)).toEqual([]);
  });
});

describe('esmWrapper', () => {
  it('names every export of the CommonJS build, and its declarations re-export them', () => {
    const { code, types } = esmWrapper(['Registry', 'FeatureStore']);
    expect(code).toContain("import cjs from './index.js';");
    expect(code).toContain('export const { FeatureStore, Registry } = cjs;');
    expect(types).toBe("export * from './index.js';\n");
  });

  it('refuses an entry point that exports nothing', () => {
    expect(() => esmWrapper([])).toThrow('exports nothing');
  });
});
