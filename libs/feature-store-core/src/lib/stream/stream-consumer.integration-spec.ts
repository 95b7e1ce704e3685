import { type SpawnedRedis, type TestRedis, deleteNamespace, redisForTests, spawnRedisServer, uniqueNamespace } from '@feature-store/testing';
import { FeatureStoreErrorCode } from '../errors';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { Registry } from '../registry/registry';
import { FeatureStore } from '../store/feature-store';
import type { StreamConsumer } from './stream-consumer';

const registry = Registry.fromObject({
  entities: { user: {} },
  views: { clicks: { entity: 'user', features: { count: 'int', last_page: 'string' } } },
});

describe('stream ingestion on a real Redis', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let store: FeatureStore;
  const namespace = uniqueNamespace('stream');
  const stream = () => store.keys.stream('clicks');
  const consumers: { close(): Promise<void> }[] = [];
  const consumer = (name: string, claimIdleMs = 30_000) => {
    const created = store.consumer({ view: 'clicks', consumer: name, batchSize: 100, blockMs: 50, claimIdleMs });
    consumers.push(created);
    return created;
  };

  /** Consumes until a call returns nothing; returns the summed counts. */
  const drain = async (target: ReturnType<typeof consumer>) => {
    const total = { read: 0, written: 0, stale: 0, deadLettered: 0 };
    for (;;) {
      const result = await target.consumeOnce();
      if (result.read === 0) return total;
      for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += result[key];
    }
  };

  beforeAll(async () => {
    server = await redisForTests();
    redis = createRedisClient(server.target);
    store = new FeatureStore(redis, { registry, namespace });
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((created) => created.close()));
    await deleteNamespace(redis, namespace);
  });

  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  it('applies published rows once acknowledged, newest event time winning', async () => {
    const reader = consumer('c1');
    await reader.ensureGroup();
    await store.publish('clicks', [
      { id: 'u1', eventTime: 2, features: { count: 2, last_page: '/b' } },
      { id: 'u1', eventTime: 1, features: { count: 1, last_page: '/a' } },
      { id: 'u2', eventTime: 5, features: { count: 9 } },
    ]);
    await expect(drain(reader)).resolves.toEqual({ read: 3, written: 2, stale: 1, deadLettered: 0 });
    await expect(store.getMany('user', ['u1', 'u2'])).resolves.toMatchObject([
      { features: { count: 2, last_page: '/b' } },
      { features: { count: 9, last_page: null } },
    ]);
    await expect(reader.lag()).resolves.toEqual({ lag: 0, pending: 0 });
  });

  it('validates rows before publishing', async () => {
    await expect(store.publish('clicks', [{ id: 'u1', eventTime: 1, features: { count: 'x' } }])).rejects.toMatchObject({
      code: FeatureStoreErrorCode.InvalidRow,
    });
    await expect(redis.exists(stream())).resolves.toBe(0);
  });

  it('moves entries that can never be applied to the dead-letter stream, with the reason', async () => {
    const reader = consumer('c1');
    await reader.ensureGroup();
    await redis.xadd(stream(), '*', 'id', 'ok', 'ts', '1', 'features', '{"count":1}');
    await redis.xadd(stream(), '*', 'id', 'bad-type', 'ts', '1', 'features', '{"count":"many"}');
    await redis.xadd(stream(), '*', 'id', 'bad-json', 'ts', '1', 'features', '{count');
    await redis.xadd(stream(), '*', 'ts', '1', 'features', '{}');
    await redis.xadd(stream(), '*', 'id', 'bad-feature', 'features', '{"height":3}');
    await redis.xadd(stream(), '*', 'id', 'has space', 'features', '{}');

    await expect(drain(reader)).resolves.toEqual({ read: 6, written: 1, stale: 0, deadLettered: 5 });
    const dead = await redis.xrange(store.keys.deadLetter('clicks'), '-', '+');
    const reasons = dead.map(([, fields]) => fields[fields.indexOf('reason') + 1]);
    expect(reasons).toEqual([
      'Feature "count" (int): expected an integer',
      expect.stringContaining('features: invalid JSON'),
      'id: missing',
      'Unknown feature "height" for view "clicks"',
      expect.stringContaining('Invalid user id "has space"'),
    ]);
    expect(dead[0]?.[1]).toEqual(expect.arrayContaining(['entry', 'id', 'bad-type', 'features', '{"count":"many"}']));
    await expect(reader.lag()).resolves.toEqual({ lag: 0, pending: 0 });
  });

  it('moves a row that stored data stops (a key of another type, a stored event time that is not a number) to the dead letters, applying the others', async () => {
    const reader = consumer('c1');
    await reader.ensureGroup();
    await redis.set(`${namespace}user:poison1:features`, 'not a hash');
    await redis.hset(`${namespace}user:poison2:features`, '_ts:clicks', 'yesterday');
    await store.publish('clicks', [
      { id: 'before', eventTime: 1, features: { count: 1 } },
      { id: 'poison1', eventTime: 1, features: { count: 2 } },
      { id: 'poison2', eventTime: 1, features: { count: 3 } },
      { id: 'after', eventTime: 1, features: { count: 4 } },
    ]);
    await expect(drain(reader)).resolves.toEqual({ read: 4, written: 2, stale: 0, deadLettered: 2 });
    const dead = await redis.xrange(store.keys.deadLetter('clicks'), '-', '+');
    expect(dead.map(([, fields]) => fields[fields.indexOf('reason') + 1])).toEqual([
      expect.stringContaining('holds another type than a hash'),
      expect.stringContaining('stored event time of view "clicks"'),
    ]);
    await expect(store.getMany('user', ['before', 'after'])).resolves.toMatchObject([{ features: { count: 1 } }, { features: { count: 4 } }]);
    await expect(reader.lag()).resolves.toEqual({ lag: 0, pending: 0 });
  });

  it('loses nothing when a consumer dies after reading: another one claims its entries', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => ({ id: `u${i % 50}`, eventTime: i, features: { count: i } }));
    await store.publish('clicks', rows);
    await consumer('setup').ensureGroup();
    // A consumer reads a batch and dies before acknowledging it.
    await redis.xreadgroup('GROUP', 'feature-store', 'crashed', 'COUNT', 120, 'STREAMS', stream(), '>');
    await expect(redis.xpending(stream(), 'feature-store')).resolves.toEqual(expect.arrayContaining([120]));

    const survivor = consumer('survivor', 0);
    const total = await drain(survivor);
    expect(total.read).toBe(250);
    expect(total.written + total.stale).toBe(250);
    const records = await store.getMany('user', Array.from({ length: 50 }, (_, i) => `u${i}`));
    records.forEach((record, i) => expect(record?.features['count']).toBe(200 + i));
    await expect(survivor.lag()).resolves.toEqual({ lag: 0, pending: 0 });
  });

  it('retries its own entries after a failed write, and a replay changes nothing', async () => {
    const reader = consumer('c1');
    await reader.ensureGroup();
    await store.publish('clicks', [{ id: 'r1', eventTime: 10, features: { count: 10 } }]);
    // The group read the entry, but the consumer stopped before writing (e.g. Redis failed).
    await redis.xreadgroup('GROUP', 'feature-store', 'c1', 'COUNT', 10, 'STREAMS', stream(), '>');
    await expect(drain(reader)).resolves.toMatchObject({ read: 1, written: 1 });

    // The same entry delivered again (at-least-once) rewrites the same values.
    const before = await redis.hgetall(`${namespace}user:r1:features`);
    await store.publish('clicks', [{ id: 'r1', eventTime: 10, features: { count: 10 } }]);
    await drain(reader);
    await expect(redis.hgetall(`${namespace}user:r1:features`)).resolves.toEqual(before);
  });
});

describe('stream upkeep: a lost consumer group, retention', () => {
  let server: SpawnedRedis;
  let redis: RedisClient;
  let store: FeatureStore;
  const namespace = uniqueNamespace('stream-upkeep');
  const consumers: StreamConsumer[] = [];
  const consumer = () => {
    const created = store.consumer({ view: 'clicks', consumer: 'c1', batchSize: 100, blockMs: 50 });
    consumers.push(created);
    return created;
  };
  const stream = () => store.keys.stream('clicks');
  const deadLetter = () => store.keys.deadLetter('clicks');

  beforeAll(async () => {
    // Small stream nodes, so that approximate trimming (MINID ~, MAXLEN ~) drops entries of small streams.
    server = await spawnRedisServer({ args: ['--stream-node-max-entries', '4'] });
    redis = createRedisClient(server.url);
    store = new FeatureStore(redis, { registry, namespace });
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((created) => created.close()));
    await deleteNamespace(redis, namespace);
  });

  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  it('creates the group again when the stream was deleted and made again by an XADD, and misses nothing since', async () => {
    const reader = consumer();
    await reader.ensureGroup();
    await store.publish('clicks', [{ id: 'g1', eventTime: 1, features: { count: 1 } }]);
    await expect(reader.consumeOnce()).resolves.toMatchObject({ read: 1, groupRecreated: false });
    await redis.del(stream());
    await store.publish('clicks', [{ id: 'g2', eventTime: 2, features: { count: 2 } }]); // a stream without the group
    await expect(reader.consumeOnce()).resolves.toMatchObject({ read: 0, groupRecreated: true });
    await expect(reader.consumeOnce()).resolves.toMatchObject({ read: 1, written: 1, groupRecreated: false });
    await expect(store.get('user', 'g2')).resolves.toMatchObject({ features: { count: 2 } });
  });

  it('drops acknowledged entries past the length limit, never one a group still needs', async () => {
    const reader = consumer();
    await reader.ensureGroup();
    await store.publish('clicks', Array.from({ length: 40 }, (_, n) => ({ id: `t${n}`, eventTime: n, features: { count: n } })));
    // 25 read and acknowledged; 15 not yet read.
    await redis.xreadgroup('GROUP', 'feature-store', 'other', 'COUNT', 25, 'STREAMS', stream(), '>');
    const pending = (await redis.xpending(stream(), 'feature-store', '-', '+', 25)) as [string][];
    await redis.xack(stream(), 'feature-store', ...pending.slice(0, 20).map(([id]) => id)); // 5 stay pending
    const firstPending = pending[20]![0];
    const result = await reader.trim({ maxLength: 10, maxAgeMs: null });
    expect(result.stream).toBeGreaterThan(0);
    const oldest = (await redis.xrange(stream(), '-', '+', 'COUNT', 1))[0]![0];
    // Approximate trimming keeps a few acknowledged ones; it never drops the first pending one.
    expect(earlierOrSame(oldest, firstPending)).toBe(true);
    await expect(redis.xlen(stream())).resolves.toBeGreaterThanOrEqual(20);
    await expect(reader.trim({ maxLength: 100, maxAgeMs: null })).resolves.toEqual({ stream: 0, deadLetter: 0 });
  });

  it('drops entries older than the age limit once acknowledged, and dead letters by length and age', async () => {
    const reader = consumer();
    await reader.ensureGroup();
    for (let n = 1; n <= 12; n++) await redis.xadd(stream(), `${n}-0`, 'id', `old${n}`, 'ts', '1', 'features', '{}');
    for (let n = 1; n <= 12; n++) await redis.xadd(deadLetter(), `${n}-0`, 'reason', 'x');
    for (let n = 0; n < 12; n++) await redis.xadd(deadLetter(), '*', 'reason', 'recent');
    // The stream's entries are not acknowledged yet: only the dead letters (no group) go.
    const first = await reader.trim({ maxLength: 1_000, maxAgeMs: 60_000 });
    expect(first.stream).toBe(0);
    expect(first.deadLetter).toBeGreaterThan(0);
    while ((await reader.consumeOnce()).read > 0);
    await expect(reader.trim({ maxLength: 1_000, maxAgeMs: 60_000 })).resolves.toMatchObject({ stream: expect.any(Number) });
    await expect(redis.xlen(stream())).resolves.toBeLessThan(12);
    const deadIds = (await redis.xrange(deadLetter(), '-', '+')).map(([id]) => id);
    expect(deadIds.filter((id) => id.endsWith('-0') && Number(id.split('-')[0]) <= 12).length).toBeLessThan(12);
    expect(deadIds.length).toBeGreaterThanOrEqual(12);
    await reader.trim({ maxLength: 4, maxAgeMs: null });
    await expect(redis.xlen(deadLetter())).resolves.toBeLessThan(12);
  });
});

/** Whether entry id `a` is at or before `b`. */
function earlierOrSame(a: string, b: string): boolean {
  const [aMs, aSeq] = a.split('-').map(Number);
  const [bMs, bSeq] = b.split('-').map(Number);
  return aMs! < bMs! || (aMs === bMs && aSeq! <= bSeq!);
}
