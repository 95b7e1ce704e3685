import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { type SpawnedCluster, eventually, moveSlot, spawnRedisCluster } from '@feature-store/testing';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { Registry } from '../registry/registry';
import { FeatureStore } from '../store/feature-store';

const view = (nearCache: boolean) => ({ entity: 'user', ...(nearCache ? { near_cache: { max_entries: 1_000 } } : {}), features: { n: 'int' } });
const registry = Registry.fromObject({ entities: { user: {} }, views: { v: view(true) } });
const uncached = Registry.fromObject({ entities: { user: {} }, views: { v: view(false) } });
const IDS = Array.from({ length: 60 }, (_, n) => `user${n}`);

/**
 * The near-cache when the cluster's topology changes under it, on a private 3 x 1 cluster: a slot
 * moved by hand and a manual failover. Whatever the cache held of the old owner, what the new one
 * is written is what a read serves once its invalidations are in (`syncNearCache`).
 */
describe('NearCache on a cluster whose topology changes', () => {
  jest.setTimeout(60_000);

  let cluster: SpawnedCluster;
  let redis: RedisClient;
  let otherRedis: RedisClient;
  let store: FeatureStore;
  let other: FeatureStore;
  let admins: Redis[];

  const values = async () => (await store.getMany('user', IDS)).map((record) => record?.features['n']);
  const writeAll = (n: number) => other.write('v', IDS.map((id) => ({ id, eventTime: n, features: { n } })));

  beforeEach(async () => {
    cluster = await spawnRedisCluster();
    admins = cluster.nodes.map((node) => new Redis(node.port, '127.0.0.1'));
    redis = createRedisClient(cluster.target);
    otherRedis = createRedisClient(cluster.target);
    store = new FeatureStore(redis, { registry });
    other = new FeatureStore(otherRedis, { registry: uncached });
    await writeAll(1);
    await store.getMany('user', IDS);
    await eventually('tracking confirmed on every master', 20_000, () => store.nearCacheStats()!.armed);
    await expect(values()).resolves.toEqual(IDS.map(() => 1)); // filled
  });

  afterEach(async () => {
    await Promise.all([redis.quit(), otherRedis.quit(), ...admins.map((admin) => admin.quit())]);
    await cluster.stop();
  });

  it('follows a slot moved to another master', async () => {
    const masters = admins.filter((_, at) => cluster.nodes[at]!.role === 'master');
    await moveSlot(masters, calculateSlot(store.keys.entityHash('user', 'user7')));

    await writeAll(2);
    await store.syncNearCache();
    await expect(values()).resolves.toEqual(IDS.map(() => 2));
    await eventually('tracking confirmed again', 20_000, () => store.nearCacheStats()!.armed);
    await writeAll(3);
    await store.syncNearCache();
    await expect(values()).resolves.toEqual(IDS.map(() => 3));
    expect(store.nearCacheStats()!.drops.topology).toBeGreaterThan(0);
  });

  it('follows a manual failover: the old master, now a replica, serves none of its slots', async () => {
    const replicaAt = cluster.nodes.findIndex((node) => node.role === 'replica');
    const replica = admins[replicaAt]!;
    const masterPort = Number(/master_port:(\d+)/.exec(await replica.info('replication'))![1]);
    const oldMaster = admins[cluster.nodes.findIndex((node) => node.port === masterPort)]!;
    await replica.call('CLUSTER', 'FAILOVER');
    await eventually('the replica to take over', 20_000, async () => (await replica.role())[0] === 'master');
    await eventually('the old master to follow it', 20_000, async () => (await oldMaster.role())[0] === 'slave');

    await writeAll(2);
    await store.syncNearCache();
    await expect(values()).resolves.toEqual(IDS.map(() => 2));
    await eventually('tracking confirmed again', 20_000, () => store.nearCacheStats()!.armed);
    await writeAll(3);
    await store.syncNearCache();
    await expect(values()).resolves.toEqual(IDS.map(() => 3));
    expect(store.nearCacheStats()!.drops.topology).toBeGreaterThan(0);
  });
});
