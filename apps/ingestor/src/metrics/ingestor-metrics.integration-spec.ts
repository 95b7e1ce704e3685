import { FeatureStore, type RedisClient, Registry, createRedisClient } from '@feature-store/core';
import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { IngestorMetrics } from './ingestor-metrics';

const registry = Registry.fromObject({
  entities: { user: {} },
  views: { profile: { entity: 'user', features: { age: 'int' } }, activity: { entity: 'user', features: { clicks: 'int' } } },
});

describe("IngestorMetrics: the rows of bulk loads, other processes, from Redis's counts", () => {
  let server: TestRedis;
  let redis: RedisClient;
  let store: FeatureStore;
  const namespace = uniqueNamespace('ingest-metrics');

  /** The `source="load"` values of the rows counter as a scrape serialises them. */
  async function loadRows(metrics: IngestorMetrics): Promise<Record<string, number>> {
    const text = await metrics.registry.metrics();
    const found: Record<string, number> = {};
    for (const match of text.matchAll(/^feature_store_ingested_rows_total\{source="load",view="(\w+)",outcome="(\w+)"\} (\d+)$/gm)) {
      found[`${match[1]}:${match[2]}`] = Number(match[3]);
    }
    return found;
  }

  beforeAll(async () => {
    server = await redisForTests();
    redis = createRedisClient(server.target);
    store = new FeatureStore(redis, { registry, namespace });
  });

  afterAll(async () => {
    await deleteNamespace(redis, namespace);
    await redis.quit();
    await server.stop();
  });

  it('counts what loads recorded since the first scrape, per view and outcome, and survives counts made again', async () => {
    await store.recordLoaded('profile', { written: 100 });
    const metrics = new IngestorMetrics();
    metrics.followLoads(store);
    // Loads before the first scrape are history: a counter starts at 0, every series of it.
    const zero = { written: 0, stale: 0, rejected: 0 };
    const series = (view: string, counts: Partial<typeof zero>) =>
      Object.fromEntries(Object.entries({ ...zero, ...counts }).map(([outcome, rows]) => [`${view}:${outcome}`, rows]));
    await expect(loadRows(metrics)).resolves.toEqual({ ...series('profile', {}), ...series('activity', {}) });

    await store.recordLoaded('profile', { written: 5, stale: 2, rejected: 1 });
    await store.recordLoaded('activity', { written: 3 });
    await expect(loadRows(metrics)).resolves.toEqual({ ...series('profile', { written: 5, stale: 2, rejected: 1 }), ...series('activity', { written: 3 }) });

    await store.recordLoaded('profile', { written: 4 });
    await expect(loadRows(metrics)).resolves.toMatchObject({ 'profile:written': 9, 'activity:written': 3 });

    // The counts were made again (key deleted, Redis restarted without persistence): all of them are new.
    await redis.del(store.keys.loaded('activity'));
    await store.recordLoaded('activity', { written: 2 });
    await expect(loadRows(metrics)).resolves.toMatchObject({ 'profile:written': 9, 'activity:written': 5 });
  });

  it('answers a scrape without the loads while Redis does not answer', async () => {
    // Nothing listens there; the client fails commands at once, as the ingestor's does while disconnected.
    const gone = createRedisClient('redis://127.0.0.1:1', { failFastWhenDisconnected: true });
    gone.on('error', () => undefined);
    const metrics = new IngestorMetrics();
    metrics.followLoads(new FeatureStore(gone, { registry, namespace }));
    await expect(loadRows(metrics)).resolves.toMatchObject({ 'profile:written': 0 });
    gone.disconnect();
  });
});
