import { type SpawnedRedis, eventually, spawnRedisServer } from '@feature-store/testing';
import { Redis } from 'ioredis';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { Registry } from '../registry/registry';
import { FeatureStore } from '../store/feature-store';

const registry = Registry.fromObject({
  entities: { user: {}, session: { ttl: '1s' }, merchant: {} },
  views: {
    profile: { entity: 'user', near_cache: { max_entries: 100 }, features: { age: 'int' } },
    session_state: { entity: 'session', max_age: '1s', near_cache: { max_entries: 100 }, features: { step: 'int' } },
    risk: { entity: 'merchant', features: { score: 'float' } },
  },
});

/** Redis's own count of the keys it tracks for every client. */
async function trackedKeys(admin: Redis): Promise<number> {
  return Number(/tracking_total_keys:(\d+)/.exec(await admin.info('stats'))![1]);
}

/** Kills the connections of the near-cache whose CLIENT LIST name ends with `suffix`; how many. */
async function kill(admin: Redis, suffix: string): Promise<number> {
  const ids = String(await admin.client('LIST'))
    .split('\n')
    .filter((line) => new RegExp(` name=\\S*${suffix} `).test(line))
    .map((line) => /id=(\d+)/.exec(line)![1]!);
  for (const id of ids) await admin.client('KILL', 'ID', id);
  return ids.length;
}

/**
 * What needs a server of its own: Redis's tracking table, expiry without active expiry, FLUSHALL,
 * SWAPDB and killed connections. Each test has a new server and store.
 */
describe('NearCache on a private server', () => {
  let server: SpawnedRedis;
  let admin: Redis;
  let redis: RedisClient;
  let store: FeatureStore;

  const stats = () => store.nearCacheStats()!;
  const armed = () => eventually('tracking confirmed', 10_000, () => stats().armed);
  const hits = () => stats().spaces[0]!.hits;

  beforeEach(async () => {
    server = await spawnRedisServer({ args: ['--enable-debug-command', 'yes'] });
    admin = new Redis(server.url);
    redis = createRedisClient(server.url);
    store = new FeatureStore(redis, { registry });
    await store.write('profile', [1, 2, 3].map((n) => ({ id: `u${n}`, eventTime: 1_000, features: { age: n } })));
    await store.get('user', 'u1');
    await armed();
  });

  afterEach(async () => {
    await redis.quit();
    admin.disconnect();
    await server.stop();
  });

  it('makes Redis track only the keys of cached key spaces', async () => {
    await store.write('risk', [{ id: 'm1', eventTime: 1_000, features: { score: 1 } }]);
    await store.getMany('merchant', ['m1', 'm2']);
    await store.read({ entity: 'merchant', ids: ['m1'], indexedOnly: true });
    await store.getMany('user', ['u1', 'u2', 'u3']);
    await store.read({ entity: 'user', ids: ['u1'], indexedOnly: true });
    await expect(trackedKeys(admin)).resolves.toBe(4); // three hashes and all_users
  });

  it('opens no connection for a store that only writes and checks ids', async () => {
    const client = createRedisClient(server.url, { connectionName: 'writer-only' });
    const writer = new FeatureStore(client, { registry });
    await writer.write('profile', [{ id: 'u9', eventTime: 1_000, features: { age: 9 } }]);
    await expect(writer.known('user', ['u9', 'u10'])).resolves.toEqual([true, false]);
    expect(String(await admin.client('LIST'))).not.toContain('writer-only:near-cache');
    expect(writer.nearCacheStats()!.armed).toBe(false);
    await client.quit();
  });

  it('never serves a hash past the expiry Redis gave it, even when Redis has not deleted it yet', async () => {
    await admin.debug('SET-ACTIVE-EXPIRE', 0); // no invalidation comes until a client touches the key
    await store.write('session_state', [{ id: 's1', eventTime: Date.now(), features: { step: 2 } }]);
    await expect(store.get('session', 's1')).resolves.toMatchObject({ features: { step: 2 } });
    await expect(store.get('session', 's1')).resolves.toMatchObject({ features: { step: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(store.get('session', 's1')).resolves.toBeNull();
  });

  it('drops everything on FLUSHALL and serves from Redis until tracking is confirmed again', async () => {
    await store.getMany('user', ['u1', 'u2']);
    await admin.flushall();
    await store.syncNearCache();
    expect(stats().drops.flush).toBe(1);
    expect(stats().spaces[0]!.entries).toBe(0);
    await expect(store.getMany('user', ['u1', 'u2'])).resolves.toEqual([null, null]);
    await store.write('profile', [{ id: 'u1', eventTime: 1_000, features: { age: 9 } }]);
    await armed();
    await store.get('user', 'u1');
    const before = hits();
    await expect(store.get('user', 'u1')).resolves.toMatchObject({ features: { age: 9 } });
    expect(hits() - before).toBe(1);
  });

  it('drops everything on SWAPDB, which Redis does not invalidate: at the next check, or at once for a sync', async () => {
    await admin.select(1);
    await admin.hset('user:u1:features', 'age', '71', '_t', '2000');
    await admin.select(0);
    await expect(store.get('user', 'u1')).resolves.toMatchObject({ features: { age: 1 } });
    await admin.swapdb(0, 1);
    await store.syncNearCache();
    expect(stats().drops.flush).toBe(1);
    await expect(store.get('user', 'u1')).resolves.toMatchObject({ features: { age: 71 } });
    // And without a sync: the check every second sees the swap back.
    await armed();
    await store.get('user', 'u1');
    await admin.swapdb(0, 1);
    await eventually('the drop at the check', 5_000, () => stats().drops.flush === 2);
    await expect(store.get('user', 'u1')).resolves.toMatchObject({ features: { age: 1 } });
  });

  it.each([
    ['tracking', ':near-cache'],
    ['invalidation', ':near-cache-invalidations'],
  ])('drops everything when its %s connection is killed, and serves writes made meanwhile', async (_, suffix) => {
    await store.getMany('user', ['u1', 'u2']);
    await expect(kill(admin, suffix)).resolves.toBe(1);
    await admin.hset('user:u1:features', 'age', '41'); // tracking may be gone: no invalidation to count on
    await eventually('the drop', 10_000, () => stats().drops.disconnect === 1);
    await expect(store.get('user', 'u1')).resolves.toMatchObject({ features: { age: 41 } });
    await armed();
    await store.get('user', 'u1');
    await admin.hset('user:u1:features', 'age', '42');
    await store.syncNearCache();
    await expect(store.get('user', 'u1')).resolves.toMatchObject({ features: { age: 42 } });
  });

  it('closes its connections when the client it was given ends', async () => {
    await redis.quit();
    await eventually('no near-cache connection left', 10_000, async () => !String(await admin.client('LIST')).includes(':near-cache'));
    redis = createRedisClient(server.url); // for afterEach
  });
});
