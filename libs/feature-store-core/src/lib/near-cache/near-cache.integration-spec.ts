import { type TestRedis, deleteNamespace, eventually, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { Registry } from '../registry/registry';
import { FeatureStore } from '../store/feature-store';

const registry = Registry.fromObject({
  entities: { user: {}, merchant: {} },
  views: {
    profile: { entity: 'user', near_cache: { max_entries: 100 }, features: { age: 'int', city: 'string' } },
    activity: { entity: 'user', near_cache: { max_entries: 100 }, event_time_field: '_a', features: { clicks: 'int' } },
    risk: { entity: 'merchant', features: { score: 'float' } },
  },
});
/** The same data, read without a near-cache: what Redis holds. */
const uncachedRegistry = Registry.fromObject({
  entities: { user: {} },
  views: {
    profile: { entity: 'user', features: { age: 'int', city: 'string' } },
    activity: { entity: 'user', event_time_field: '_a', features: { clicks: 'int' } },
  },
});

/**
 * The near-cache on the run's Redis (a private server, or the target's cluster), under a namespace
 * of its own: hits, every read shape served from one entry, invalidations by any writer.
 */
describe('NearCache', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let other: RedisClient;
  let store: FeatureStore;
  let writer: FeatureStore;
  const namespace = uniqueNamespace('near-cache');

  const stats = () => store.nearCacheStats()!;
  const hits = () => stats().spaces.find((space) => space.space === 'user')!.hits;

  beforeAll(async () => {
    server = await redisForTests();
    redis = createRedisClient(server.target);
    other = createRedisClient(server.target);
    store = new FeatureStore(redis, { registry, namespace });
    writer = new FeatureStore(other, { registry: uncachedRegistry, namespace });
    await store.get('user', 'nobody'); // the first read of a cached space opens the tracking connections
    await eventually('tracking confirmed', 10_000, () => stats().armed);
  });

  afterAll(async () => {
    await deleteNamespace(redis, namespace);
    await Promise.all([redis.quit(), other.quit()]);
    await server.stop();
  });

  it('serves every read shape of a hash from one entry, then what another client writes', async () => {
    await writer.write('profile', [{ id: 'u1', eventTime: 1_000, features: { age: 34, city: 'Lyon' } }]);
    await writer.write('activity', [{ id: 'u1', eventTime: 2_000, features: { clicks: 7 } }]);
    await expect(store.get('user', 'u1')).resolves.toMatchObject({ features: { age: 34, city: 'Lyon', clicks: 7 } });

    const before = hits();
    await expect(store.get('user', 'u1')).resolves.toEqual({
      id: 'u1',
      features: { age: 34, city: 'Lyon', clicks: 7 },
      eventTimes: { profile: 1_000, activity: 2_000 },
      expired: [],
    });
    await expect(store.get('user', 'u1', { features: ['clicks', 'city'] })).resolves.toMatchObject({ features: { clicks: 7, city: 'Lyon' } });
    const rows = await store.read({ rows: [{ user_id: 'u1' }], features: ['activity:clicks', 'profile:age'] });
    expect([rows.value(0, 0), rows.value(0, 1), rows.columnEventTime(0, 0)]).toEqual([7, 34, 2_000]);
    expect(hits() - before).toBe(3);

    await writer.write('profile', [{ id: 'u1', eventTime: 3_000, features: { city: 'Oslo' } }]);
    await store.syncNearCache();
    await expect(store.get('user', 'u1')).resolves.toMatchObject({ features: { age: 34, city: 'Oslo', clicks: 7 } });
    expect(stats().invalidations).toBeGreaterThan(0);
  });

  it('serves a batch partly from memory, partly from Redis, in request order', async () => {
    await writer.write('profile', [1, 2, 3].map((n) => ({ id: `b${n}`, eventTime: 1_000, features: { age: n } })));
    await store.get('user', 'b2');
    const before = hits();
    const records = await store.getMany('user', ['b1', 'b2', 'nobody', 'b3', 'b2']);
    expect(records.map((record) => record?.features['age'] ?? null)).toEqual([1, 2, null, 3, 2]);
    expect(hits() - before).toBe(2);
  });

  it('caches the index check of the original single read, and finds an id once it is written', async () => {
    const indexed = async (id: string) => (await store.read({ entity: 'user', ids: [id], indexedOnly: true })).found(0);
    await expect(indexed('late')).resolves.toBe(false);
    await expect(indexed('late')).resolves.toBe(false);
    await writer.write('profile', [{ id: 'late', eventTime: 1_000, features: { age: 1 } }]);
    await store.syncNearCache();
    await expect(indexed('late')).resolves.toBe(true);
    const user = stats().spaces.find((space) => space.space === 'user')!;
    expect(user.indexHits).toBeGreaterThan(0);
  });

  it('serves a key of another type as invalid, from memory too, until it is a hash again', async () => {
    await other.set(`${namespace}user:odd:features`, 'not a hash');
    for (let read = 0; read < 2; read++) expect((await store.read({ entity: 'user', ids: ['odd'] })).wrongType(0, 0)).toBe(true);
    await other.del(`${namespace}user:odd:features`);
    await writer.write('profile', [{ id: 'odd', eventTime: 1_000, features: { age: 5 } }]);
    await store.syncNearCache();
    await expect(store.get('user', 'odd')).resolves.toMatchObject({ features: { age: 5 } });
  });

  it('reads key spaces without near_cache from Redis every time', async () => {
    await store.write('risk', [{ id: 'm1', eventTime: 1_000, features: { score: 0.5 } }]);
    await expect(store.get('merchant', 'm1')).resolves.toMatchObject({ features: { score: 0.5 } });
    await other.hset(`${namespace}merchant:m1:features`, 'score', '0.75');
    await expect(store.get('merchant', 'm1')).resolves.toMatchObject({ features: { score: 0.75 } });
    expect(stats().spaces.map((space) => space.space)).toEqual(['user']);
  });
});
