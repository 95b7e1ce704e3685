/** What the packaging tool reads of a package.json. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The packages that compiled CommonJS code loads by a bare specifier (`require("x")`, `import('x')`). */
export function requiredPackages(code: readonly string[], builtins: ReadonlySet<string>): Set<string> {
  const required = new Set<string>();
  for (const text of code) {
    for (const [, , specifier = ''] of text.matchAll(/\b(?:require|import)\((["'])([^"']+)\1\)/g)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      required.add(packageOf(specifier));
    }
  }
  return required;
}

/**
 * What is wrong with a package's declared dependencies, given its compiled code: a package
 * required but not declared (as a dependency or a peer), one declared but never required, and a
 * range other than the workspace's (the package must run on what the workspace tests).
 */
export function checkDependencies(
  manifest: PackageManifest,
  code: readonly string[],
  workspace: Readonly<Record<string, string>>,
  builtins: ReadonlySet<string>,
): string[] {
  const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
  const required = requiredPackages(code, builtins);
  const problems: string[] = [];
  for (const name of [...required].sort()) {
    if (!(name in declared)) problems.push(`requires ${name}, which package.json does not declare`);
  }
  for (const [name, range] of Object.entries(declared)) {
    if (!required.has(name)) problems.push(`declares ${name}, which the code never requires`);
    else if (name in workspace && workspace[name] !== range) problems.push(`declares ${name}@${range}; the workspace has ${workspace[name]}`);
  }
  return problems;
}

/**
 * The ESM entry point: the CommonJS build imported once and its exports named again, so that a
 * service importing the package and one of its dependencies requiring it share one module (one
 * `FeatureStoreError` class, one registry of defined scripts); and its declarations.
 */
export function esmWrapper(names: readonly string[]): { code: string; types: string } {
  if (names.length === 0) throw new Error('the CommonJS entry point exports nothing');
  const list = [...names].sort().join(', ');
  return {
    code: `// ESM entry point: re-exports the CommonJS build (one module instance for import and require).\nimport cjs from './index.js';\n\nexport const { ${list} } = cjs;\n`,
    types: "export * from './index.js';\n",
  };
}
