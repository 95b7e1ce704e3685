// Writes the configuration docs generated from libs/config/src/app-env.ts: .env.example and the
// README's configuration table (between its config:start / config:end markers). A spec of
// libs/config fails when they drift; this is how to bring them back: `npm run config:docs`.
import { ALL_ENV, envExample, markdownTable } from '@feature-store/config';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const START = '<!-- config:start -->';
const END = '<!-- config:end -->';

writeFileSync(join(ROOT, '.env.example'), envExample(ALL_ENV));
const readmePath = join(ROOT, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) throw new Error(`README.md lacks the ${START} ... ${END} markers around the configuration table`);
writeFileSync(readmePath, `${readme.slice(0, from + START.length)}\n${markdownTable(ALL_ENV)}\n${readme.slice(to)}`);
console.log('wrote .env.example and the README configuration table');
