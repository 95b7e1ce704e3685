// Builds one Node app for production:
//   1. tsc (keeps Nest's decorator metadata) into dist/apps/<app>, mirroring the source tree;
//   2. the libraries' Lua scripts copied beside their compiled code;
//   3. for each path alias of tsconfig.base.json that the app uses, a stub package in dist/apps/<app>/node_modules
//      that requires the compiled library, so `require('@feature-store/core')` resolves at run time.
// Usage: node --import tsx tools/build/build-node-app.ts <app>   ->   dist/apps/<app>/apps/<app>/src/main.js
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const app = process.argv[2];
if (!app) {
  console.error('usage: build-node-app.ts <app>');
  process.exit(2);
}
const outDir = join('dist', 'apps', app);

rmSync(outDir, { recursive: true, force: true });
execFileSync(join('node_modules', '.bin', 'tsc'), ['-p', `apps/${app}/tsconfig.app.json`], { stdio: 'inherit' });

const scripts = readdirSync('libs', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.lua'));
for (const script of scripts) {
  cpSync(join('libs', script), join(outDir, 'libs', script));
}

const { paths } = (JSON.parse(readFileSync('tsconfig.base.json', 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions;
const compiledOf = (target: string) => join(outDir, target.replace(/\.ts$/, '.js'));
const aliases = Object.entries(paths).filter(([, [target]]) => existsSync(compiledOf(target)));
for (const [alias, [target]] of aliases) {
  const stubDir = join(outDir, 'node_modules', alias);
  mkdirSync(stubDir, { recursive: true });
  writeFileSync(join(stubDir, 'index.js'), `module.exports = require(${JSON.stringify(relative(stubDir, compiledOf(target)))});\n`);
}
console.log(`built ${outDir}/apps/${app}/src/main.js (${scripts.length} Lua script(s), ${aliases.length} aliases)`);
