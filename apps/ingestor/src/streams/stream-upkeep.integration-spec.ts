import { FeatureStore, type RedisClient, Registry, createRedisClient } from '@feature-store/core';
import { type SpawnedRedis, eventually, freePort, spawnRedisServer } from '@feature-store/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');
const MAIN = join(ROOT, 'dist/apps/ingestor/apps/ingestor/src/main.js');
const REGISTRY = { entities: { user: {} }, views: { clicks: { entity: 'user', features: { count: 'int' } } } };

/**
 * The built ingestor when its stream's consumer group is lost (the stream key deleted or holding
 * something else, or Redis restarted without persistence): it says so in its health while entries
 * wait unconsumed, creates the group again as soon as it can, consumes what producers add, and
 * counts the recreation.
 */
describe('ingestor stream upkeep', () => {
  let redis: SpawnedRedis;
  let client: RedisClient;
  let store: FeatureStore;
  let ingestor: ChildProcess;
  let metricsPort: number;
  const dir = mkdtempSync(join(tmpdir(), 'upkeep-'));
  const registryPath = join(dir, 'registry.json');
  const health = () => fetch(`http://127.0.0.1:${metricsPort}/health`).then((response) => response.status, () => 0);
  const metrics = () => fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((response) => response.text());
  const applied = (id: string, count: number) => store.get('user', id).then((record) => record?.features['count'] === count, () => false);

  beforeAll(async () => {
    writeFileSync(registryPath, JSON.stringify(REGISTRY));
    redis = await spawnRedisServer();
    client = createRedisClient(redis.url);
    client.on('error', () => undefined);
    store = new FeatureStore(client, { registry: Registry.fromObject(REGISTRY) });
    // The stream key holds something else: the ingestor cannot create its group.
    await client.set(store.keys.stream('clicks'), 'not a stream');
    metricsPort = await freePort();
    ingestor = spawn(process.execPath, [MAIN, 'consume'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...redis.env,
        REGISTRY_PATH: registryPath,
        INGEST_STREAM_VIEWS: 'clicks',
        INGEST_METRICS_PORT: String(metricsPort),
        INGEST_METRICS_HOST: '127.0.0.1',
        INGEST_STALL_MS: '1500',
        INGEST_LOG_INTERVAL_MS: '200',
        LOG_LEVEL: 'error',
      },
      stdio: 'ignore',
    });
  }, 30_000);

  afterAll(async () => {
    if (ingestor.exitCode === null) ingestor.kill('SIGKILL');
    client.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns unhealthy while it cannot consume a view, and healthy once it consumes again', async () => {
    await eventually('GET /health to answer 503', 20_000, async () => (await health()) === 503, 100);
    await eventually('the stalled gauge', 5_000, async () => (await metrics()).includes('feature_store_stream_stalled{view="clicks"} 1'), 100);
    await client.del(store.keys.stream('clicks'));
    await store.publish('clicks', [{ id: 'u1', eventTime: 1, features: { count: 1 } }]);
    await eventually('the row to be applied', 20_000, () => applied('u1', 1), 100);
    await eventually('GET /health to answer 200', 10_000, async () => (await health()) === 200, 100);
  }, 40_000);

  it('creates its group again after Redis restarts without its data, and consumes what producers add', async () => {
    const { port } = redis;
    redis.process.kill('SIGKILL');
    await new Promise((resolve) => redis.process.once('exit', resolve));
    redis = await spawnRedisServer({ port });
    // A producer's XADD makes the stream again, without the group.
    await eventually('the producer to reach the new Redis', 10_000, () =>
      store.publish('clicks', [{ id: 'u2', eventTime: 2, features: { count: 2 } }]).then(() => true, () => false),
    );
    await eventually('the row to be applied', 20_000, () => applied('u2', 2), 100);
    await eventually('the recreation to be counted', 5_000, async () =>
      /feature_store_stream_groups_recreated_total\{view="clicks"\} [1-9]/.test(await metrics()),
    );
    expect(await health()).toBe(200);
    const exited = new Promise<number | null>((resolve) => ingestor.once('exit', (code) => resolve(code)));
    ingestor.kill('SIGTERM');
    await expect(exited).resolves.toBe(0);
  }, 60_000);
});
