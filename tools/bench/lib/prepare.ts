// Builds what the bench runs and seeds its Redis: the ingestor's `seed` command when the ingestor
// is built, otherwise seed.ts (same layout): the users and items of the scenarios' registry.
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { seedIds } from '../seed';
import { SCENARIOS_REGISTRY } from './scenarios';
import { startProcess } from './processes';

const NX = 'node_modules/.bin/nx';
const INGESTOR_PROJECT = 'apps/ingestor/project.json';
const INGESTOR_MAIN = 'dist/apps/ingestor/apps/ingestor/src/main.js';
const NX_ENV = { NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' };
/** The entities of the scenarios' registry, and the fields each seeded hash holds. */
const SEED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  user: ['age', 'gender', 'purchase_count_30d', 'avg_session_duration_min', 'preferred_category', '_t'],
  item: ['price', 'popularity', '_t'],
};

export type Log = (message: string) => void;

async function nxBuild(project: string): Promise<void> {
  const handle = await startProcess(`build ${project}`, NX, ['run', `${project}:build`], { env: NX_ENV, quiet: true });
  const { code } = await handle.exited;
  if (code !== 0) throw new Error(`nx run ${project}:build failed (exit ${code}):\n${handle.output()}`);
}

/** Builds every project of `projects` in one `nx run-many -t build` (cached by Nx); throws when one fails. */
export async function buildProjects(projects: readonly string[], log: Log): Promise<void> {
  log(`building ${projects.join(', ')} (nx run-many -t build)`);
  const args = ['run-many', '-t', 'build', '-p', projects.join(',')];
  const handle = await startProcess('build', NX, args, { env: NX_ENV, quiet: true });
  const { code } = await handle.exited;
  if (code !== 0) throw new Error(`nx run-many -t build -p ${projects.join(',')} failed (exit ${code}):\n${handle.output()}`);
}

/** Builds the API (required) and the ingestor (optional: the bench seeds without it). */
export async function build(log: Log): Promise<void> {
  log('building the API (nx run api:build)');
  await nxBuild('api');
  if (!existsSync(INGESTOR_PROJECT)) return;
  log('building the ingestor (nx run ingestor:build)');
  try {
    await nxBuild('ingestor');
  } catch (error) {
    log(`ingestor build failed, the bench will seed by itself: ${(error as Error).message.split('\n')[0]}`);
  }
}

async function seedWithIngestor(redisUrl: string, count: number): Promise<void> {
  const handle = await startProcess('ingestor', process.execPath, [INGESTOR_MAIN, 'seed'], {
    env: { REDIS_URL: redisUrl, INGEST_SEED_COUNT: String(count), REGISTRY_PATH: SCENARIOS_REGISTRY, KEY_NAMESPACE: undefined },
    quiet: true,
  });
  const { code } = await handle.exited;
  if (code !== 0) throw new Error(`ingestor seed exited with ${code}:\n${handle.output()}`);
}

/** Checks the seed layout: `count` ids in each entity's index, and each first id's hash has every field. */
async function verifySeed(redisUrl: string, count: number): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    for (const [entity, expected] of Object.entries(SEED_FIELDS)) {
      const [ids, fields] = await Promise.all([redis.scard(`all_${entity}s`), redis.hkeys(`${entity}:${entity}00000:features`)]);
      const missing = expected.filter((field) => !fields.includes(field));
      if (ids !== count || missing.length > 0) {
        throw new Error(`seed check: all_${entity}s holds ${ids} ids (expected ${count}); ${entity}00000 lacks [${missing.join(', ')}]`);
      }
    }
  } finally {
    redis.disconnect();
  }
}

/** Seeds `count` users and as many items. @returns how: "ingestor" or "seed.ts" */
export async function seed(redisUrl: string, count: number, log: Log): Promise<string> {
  let how = 'seed.ts';
  if (existsSync(INGESTOR_MAIN)) {
    try {
      await seedWithIngestor(redisUrl, count);
      how = 'ingestor';
    } catch (error) {
      log(`ingestor seed failed, falling back to seed.ts: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  if (how !== 'ingestor') await seedIds(redisUrl, count);
  await verifySeed(redisUrl, count);
  return how;
}
