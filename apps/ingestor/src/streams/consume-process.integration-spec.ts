import { FeatureStore, type RedisClient, Registry, createRedisClient } from '@feature-store/core';
import { type SpawnedRedis, eventually, spawnRedisServer } from '@feature-store/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupProgress } from '../testing/stream-progress';

const ROOT = join(__dirname, '../../../..');
const MAIN = join(ROOT, 'dist/apps/ingestor/apps/ingestor/src/main.js');
const REGISTRY = {
  entities: { user: {} },
  views: { clicks: { entity: 'user', features: { count: 'int' } } },
};
const IDS = 1_000;
const ROWS = 60_000;

/**
 * The built ingestor in `consume` mode, killed with SIGKILL mid-stream and started again: every
 * row is applied in the end (the new process claims what the dead one had read), and the result
 * is the newest row of each id, as if each row had been applied exactly once.
 */
describe('ingestor consume: killed mid-stream and restarted', () => {
  let server: SpawnedRedis;
  let redis: RedisClient;
  let store: FeatureStore;
  const dir = mkdtempSync(join(tmpdir(), 'consume-'));
  const registryPath = join(dir, 'registry.json');
  const children: ChildProcess[] = [];

  const startConsumer = () => {
    const child = spawn(process.execPath, [MAIN, 'consume'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...server.env,
        REGISTRY_PATH: registryPath,
        INGEST_STREAM_VIEWS: 'clicks',
        INGEST_METRICS_PORT: '0',
        INGEST_CLAIM_IDLE_MS: '200',
      },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  };



  beforeAll(async () => {
    writeFileSync(registryPath, JSON.stringify(REGISTRY));
    server = await spawnRedisServer();
    redis = createRedisClient(server.url);
    store = new FeatureStore(redis, { registry: Registry.fromObject(REGISTRY) });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await redis.quit();
    await server.stop();
  });

  it('loses nothing and applies each row once in effect', async () => {
    for (let start = 0; start < ROWS; start += 5_000) {
      const rows = Array.from({ length: 5_000 }, (_, k) => {
        const i = start + k;
        return { id: `u${i % IDS}`, eventTime: 1_000_000 + i, features: { count: i } };
      });
      await store.publish('clicks', rows);
    }

    const first = startConsumer();
    await eventually('the first consumer to read', 20_000, async () => (await groupProgress(redis, store.keys.stream('clicks'))).read > 0);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await groupProgress(redis, store.keys.stream('clicks'));
    expect(atKill.lag + atKill.pending).toBeGreaterThan(0);

    const second = startConsumer();
    await eventually('every entry to be acknowledged', 60_000, async () => {
      const now = await groupProgress(redis, store.keys.stream('clicks'));
      return now.lag === 0 && now.pending === 0;
    });
    const exited = new Promise<number | null>((resolve) => second.once('exit', (code) => resolve(code)));
    second.kill('SIGTERM');
    await expect(exited).resolves.toBe(0);

    const records = await store.getMany('user', Array.from({ length: IDS }, (_, i) => `u${i}`));
    records.forEach((record, i) => {
      expect(record?.features['count']).toBe(ROWS - IDS + i);
      expect(record?.eventTimes['clicks']).toBe(1_000_000 + ROWS - IDS + i);
    });
  }, 90_000);
});
