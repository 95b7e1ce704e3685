// A private copy of the API and ingestor builds for one bench run. The write bench starts a new
// ingestor process for every loader and stream run, minutes apart; dist/ is shared with whoever
// builds meanwhile (a build empties dist/apps/<app> first), so the runs use a snapshot taken right
// after the bench's own build. The copy sits inside the workspace (under the git-ignored report
// folder) so that the apps still resolve their dependencies from its node_modules.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const APPS = ['api', 'ingestor'];

export interface Builds {
  readonly apiMain: string;
  readonly ingestorMain: string;
}

/** Copies dist/apps/{api,ingestor} under `dir` (removed when the process exits). */
export function snapshotBuilds(root: string, dir: string): Builds {
  for (const app of APPS) {
    const from = join(root, 'dist', 'apps', app);
    if (!existsSync(join(from, 'apps', app, 'src', 'main.js'))) {
      throw new Error(`dist/apps/${app} is missing or incomplete: build it (npx nx run-many -t build -p api,ingestor) or drop --no-build`);
    }
  }
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const app of APPS) cpSync(join(root, 'dist', 'apps', app), join(dir, app), { recursive: true });
  return {
    apiMain: join(dir, 'api', 'apps', 'api', 'src', 'main.js'),
    ingestorMain: join(dir, 'ingestor', 'apps', 'ingestor', 'src', 'main.js'),
  };
}
