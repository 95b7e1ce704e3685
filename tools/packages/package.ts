// Builds and packs the workspace's npm packages (libs/<project> with a package.json):
//   build <project>  ->  dist/libs/<project>: the package.json and README as they are, and in dist/
//                        the CommonJS build with declarations (tsconfig.package.json), the Lua
//                        scripts beside the code that reads them, and an ESM entry point that
//                        re-exports the CommonJS one (one module instance for import and require)
//   pack <project>   ->  dist/packages/<name>-<version>.tgz (npm pack of that folder)
// The build fails when the compiled code requires a package the package.json does not declare,
// declares one it never requires, or declares a range other than the workspace's.
// Usage: node --import tsx tools/packages/package.ts build|pack <project>   (from the workspace root)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { checkDependencies, esmWrapper, type PackageManifest } from './lib/package-checks';

const [command, project] = process.argv.slice(2);
if ((command !== 'build' && command !== 'pack') || !project) {
  console.error('usage: package.ts build|pack <project>');
  process.exit(2);
}

const source = join('libs', project);
const outDir = join('dist', 'libs', project);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const manifest = readJson<PackageManifest>(join(source, 'package.json'));

if (command === 'build') {
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(join('node_modules', '.bin', 'tsc'), ['-p', join(source, 'tsconfig.package.json')], { stdio: 'inherit' });
  const lua = readdirSync(join(source, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.lua'));
  for (const file of lua) cpSync(join(source, 'src', file), join(outDir, 'dist', file));
  cpSync(join(source, 'package.json'), join(outDir, 'package.json'));
  cpSync(join(source, 'README.md'), join(outDir, 'README.md'));

  const compiled = readdirSync(join(outDir, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
  const code = compiled.map((file) => readFileSync(join(outDir, 'dist', file), 'utf8'));
  const root = readJson<PackageManifest>('package.json');
  const workspace = { ...root.dependencies, ...root.devDependencies };
  const problems = checkDependencies(manifest, code, workspace, new Set(builtinModules));
  if (problems.length > 0) {
    console.error(`${manifest.name}: ${problems.join('\n  ')}`);
    process.exit(1);
  }

  // The names the CommonJS entry point exports, read from the build itself: the wrapper cannot drift.
  const names = Object.keys(createRequire(__filename)(resolve(outDir, 'dist', 'index.js')) as object);
  const wrapper = esmWrapper(names);
  writeFileSync(join(outDir, 'dist', 'index.mjs'), wrapper.code);
  writeFileSync(join(outDir, 'dist', 'index.d.mts'), wrapper.types);
  console.log(`built ${outDir} (${manifest.name}@${manifest.version}: ${compiled.length} modules, ${lua.length} Lua scripts, ${names.length} exports)`);
} else {
  if (!existsSync(join(outDir, 'package.json'))) throw new Error(`${outDir} is not built: run the build-package target first`);
  const packages = join('dist', 'packages');
  mkdirSync(packages, { recursive: true });
  const prefix = `${manifest.name.replace(/^@/, '').replace('/', '-')}-`;
  for (const old of readdirSync(packages).filter((file) => file.startsWith(prefix) && file.endsWith('.tgz'))) rmSync(join(packages, old));
  const file = execFileSync('npm', ['pack', outDir, '--pack-destination', packages, '--silent'], { encoding: 'utf8' }).trim();
  console.log(`packed ${join(packages, file)}`);
}
