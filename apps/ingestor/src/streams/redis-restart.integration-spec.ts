import { FeatureStore, type RedisClient, Registry, createRedisClient } from '@feature-store/core';
import { eventually, type SpawnedRedis, spawnRedisServer } from '@feature-store/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupProgress } from '../testing/stream-progress';

const ROOT = join(__dirname, '../../../..');
const MAIN = join(ROOT, 'dist/apps/ingestor/apps/ingestor/src/main.js');
const REGISTRY = { entities: { user: {} }, views: { clicks: { entity: 'user', features: { count: 'int' } } } };
const IDS = 500;
const ROWS = 40_000;
/** Every write is on disk before Redis answers, so what the consumer saw acknowledged survives a crash. */
const DURABLE = ['--appendonly', 'yes', '--appendfsync', 'always'];

/**
 * The built ingestor consuming a stream while its Redis crashes (SIGKILL) and comes back on the
 * same data: the ingestor keeps running, retries, resumes, and every row ends up applied.
 */
describe('ingestor consume across a Redis crash', () => {
  let redis: SpawnedRedis;
  let client: RedisClient;
  let store: FeatureStore;
  let ingestor: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'restart-'));
  const registryPath = join(dir, 'registry.json');
  const dataDir = join(dir, 'data');



  beforeAll(async () => {
    writeFileSync(registryPath, JSON.stringify(REGISTRY));
    mkdirSync(dataDir);
    redis = await spawnRedisServer({ dir: dataDir, args: DURABLE });
    client = createRedisClient(redis.url);
    store = new FeatureStore(client, { registry: Registry.fromObject(REGISTRY) });
  });

  afterAll(async () => {
    if (ingestor?.exitCode === null) ingestor.kill('SIGKILL');
    client.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pauses while Redis is down, then resumes and applies every row', async () => {
    for (let start = 0; start < ROWS; start += 5_000) {
      await store.publish(
        'clicks',
        Array.from({ length: 5_000 }, (_, k) => ({ id: `u${(start + k) % IDS}`, eventTime: start + k, features: { count: start + k } })),
      );
    }
    const consumer = spawn(process.execPath, [MAIN, 'consume'], {
      cwd: ROOT,
      env: { ...process.env, ...redis.env, REGISTRY_PATH: registryPath, INGEST_STREAM_VIEWS: 'clicks',
        INGEST_METRICS_PORT: '0', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    ingestor = consumer;
    await eventually('the consumer to start reading', 20_000, async () => (await groupProgress(client, store.keys.stream('clicks'))).read > 0);

    const { port } = redis;
    redis.process.kill('SIGKILL');
    await new Promise((resolve) => redis.process.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(consumer.exitCode).toBeNull();
    redis = await spawnRedisServer({ port, dir: dataDir, args: DURABLE });

    const atRestart = await groupProgress(client, store.keys.stream('clicks'));
    expect(atRestart.lag + atRestart.pending).toBeGreaterThan(0);
    await eventually('every entry to be acknowledged', 60_000, async () => {
      const now = await groupProgress(client, store.keys.stream('clicks'));
      return now.lag === 0 && now.pending === 0;
    });
    const exited = new Promise<number | null>((resolve) => consumer.once('exit', (code) => resolve(code)));
    consumer.kill('SIGTERM');
    await expect(exited).resolves.toBe(0);

    const records = await store.getMany('user', Array.from({ length: IDS }, (_, i) => `u${i}`));
    records.forEach((record, i) => expect(record?.features['count']).toBe(ROWS - IDS + i));
  }, 120_000);
});
