#!/usr/bin/env node
// Builds one Node app for production:
//   1. tsc (keeps Nest's decorator metadata) into dist/apps/<app>, mirroring the source tree;
//   2. the libraries' Lua scripts copied beside their compiled code;
//   3. for each path alias of tsconfig.base.json that the app uses, a stub package in dist/apps/<app>/node_modules
//      that requires the compiled library, so `require('@feature-store/core')` resolves at run time.
// Usage: node tools/build/build-node-app.mjs <app>   ->   dist/apps/<app>/apps/<app>/src/main.js
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const app = process.argv[2];
if (!app) {
  console.error('usage: build-node-app.mjs <app>');
  process.exit(2);
}
const outDir = join('dist', 'apps', app);

rmSync(outDir, { recursive: true, force: true });
execFileSync(join('node_modules', '.bin', 'tsc'), ['-p', `apps/${app}/tsconfig.app.json`], { stdio: 'inherit' });

const scripts = readdirSync('libs', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.lua'));
for (const script of scripts) {
  cpSync(join('libs', script), join(outDir, 'libs', script));
}

const { paths } = JSON.parse(readFileSync('tsconfig.base.json', 'utf8')).compilerOptions;
const aliases = Object.entries(paths).filter(([, [target]]) => existsSync(join(outDir, target.replace(/\.ts$/, '.js'))));
for (const [alias, [target]] of aliases) {
  const stubDir = join(outDir, 'node_modules', alias);
  const compiled = join(outDir, target.replace(/\.ts$/, '.js'));
  mkdirSync(stubDir, { recursive: true });
  writeFileSync(join(stubDir, 'index.js'), `module.exports = require(${JSON.stringify(relative(stubDir, compiled))});\n`);
}
console.log(`built ${outDir}/apps/${app}/src/main.js (${scripts.length} Lua script(s), ${aliases.length} aliases)`);
