import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_ENV } from './app-env';
import { envExample, markdownTable } from './env-definition';

/** The docs of the configuration are generated from its definitions (`npm run config:docs`): they may not drift. */
describe('configuration docs', () => {
  const root = join(__dirname, '../../..');

  it('.env.example is what the definitions generate', () => {
    expect(readFileSync(join(root, '.env.example'), 'utf8')).toBe(envExample(ALL_ENV));
  });

  it("the README's configuration table is what the definitions generate", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = /<!-- config:start -->\n([\s\S]*?)\n<!-- config:end -->/.exec(readme)?.[1];
    expect(table).toBe(markdownTable(ALL_ENV));
  });

  it('lists every variable once, with its readers', () => {
    const table = markdownTable(ALL_ENV);
    expect(table).toContain('| `REDIS_URL` | `redis://127.0.0.1:6379` | api, ingestor |');
    expect(table).toContain('| `PORT` | `8000` | api |');
    expect(table.match(/\| `LOG_LEVEL` \|/g)).toHaveLength(1);
    expect(envExample(ALL_ENV)).toMatch(/\n# --- api and ingestor ---\n/);
  });
});
