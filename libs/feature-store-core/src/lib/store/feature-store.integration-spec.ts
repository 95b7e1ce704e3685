import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { FeatureStoreErrorCode } from '../errors';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { Registry } from '../registry/registry';
import { FeatureStore } from './feature-store';

const registry = Registry.fromObject({
  entities: { user: {}, merchant: { id: { pattern: '^m[0-9]+$' } } },
  views: {
    user_profile: { entity: 'user', features: { age: 'int', gender: 'string', score: 'float', vip: 'bool' } },
    user_activity: { entity: 'user', features: { last_seen: 'timestamp', embedding: 'float_vector' } },
    merchant_risk: { entity: 'merchant', features: { risk: 'float' } },
  },
});

describe('FeatureStore on a real Redis', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let store: FeatureStore;
  const namespace = uniqueNamespace('store');

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

  it('writes typed rows and reads them back typed, in one hash per entity id', async () => {
    await expect(
      store.write('user_profile', [
        { id: 'u1', eventTime: 1_000, features: { age: 34, gender: 'F', score: 0.5, vip: true } },
        { id: 'u2', eventTime: '2025-11-27T00:00:00Z', features: { age: 20 } },
      ]),
    ).resolves.toEqual({ written: 2, stale: 0 });
    await store.write('user_activity', [
      { id: 'u1', eventTime: 2_000, features: { last_seen: 1764201600000, embedding: [0.5, -1] } },
    ]);

    await expect(store.get('user', 'u1')).resolves.toEqual({
      id: 'u1',
      features: {
        age: 34,
        gender: 'F',
        score: 0.5,
        vip: true,
        last_seen: '2025-11-27T00:00:00.000Z',
        embedding: [0.5, -1],
      },
      eventTimes: { user_profile: 1_000, user_activity: 2_000 },
      expired: [],
    });
    await expect(redis.hgetall(`${namespace}user:u1:features`)).resolves.toEqual({
      age: '34',
      gender: 'F',
      score: '0.5',
      vip: '1',
      last_seen: '1764201600000',
      embedding: '0.5,-1',
      '_ts:user_profile': '1000',
      '_ts:user_activity': '2000',
    });
    for (const id of ['u1', 'u2']) await expect(redis.sismember(store.keys.entityIndexOf('user', id), id)).resolves.toBe(1);
    await expect(store.known('user', ['u2', 'nobody', 'u1'])).resolves.toEqual([true, false, true]);
  });

  it('reads the same features as JSON text, for every type, as the typed values', async () => {
    await store.write('user_profile', [
      { id: 'j1', eventTime: 1, features: { age: -12, gender: 'say "hi"\n\u2603', score: 1e21, vip: false } },
      { id: 'j2', eventTime: 1, features: { score: 0.1, gender: '' } },
    ]);
    await store.write('user_activity', [{ id: 'j1', eventTime: 1, features: { last_seen: 0, embedding: [1.5, -2e-7] } }]);
    await redis.hset(`${namespace}user:j3:features`, 'age', '007', 'score', '.5', '_ts:user_profile', '1');
    const ids = ['j1', 'j2', 'nobody', 'j3'];
    const records = await store.getMany('user', ids);
    const rows = await store.read({ entity: 'user', ids });
    const json = ids.map((_, row) =>
      rows.found(row) ? JSON.parse(`{${rows.plan.columns.map((column, index) => `"${column.feature.name}":${rows.json(row, index)}`).join(',')}}`) : null,
    );
    expect(json).toEqual(records.map((record) => record?.features ?? null));
    expect(json[2]).toBeNull();
    const projected = await store.read({ entity: 'user', ids: ['j1'], features: ['gender', 'age'] });
    expect([projected.json(0, 0), projected.json(0, 1)]).toEqual(['"say \\"hi\\"\\n☃"', '-12']);
    expect((await store.read({ entity: 'user', ids: ['nobody'] })).found(0)).toBe(false);
    const seen = await store.read({ entity: 'user', ids: ['j1', 'nobody'] });
    expect([0, 1].map((view) => seen.eventTime(0, 0, view))).toEqual([1, 1]);
    expect([0, 1].map((view) => seen.eventTime(1, 0, view))).toEqual([null, null]);
  });

  it('tells an unknown id (null) from a known id whose features are unset', async () => {
    await store.write('user_activity', [{ id: 'u3', eventTime: 1, features: {} }]);
    await expect(store.get('user', 'nobody')).resolves.toBeNull();
    const known = await store.get('user', 'u3');
    expect(known?.features).toEqual({ age: null, gender: null, score: null, vip: null, last_seen: null, embedding: null });
    await expect(store.getMany('user', ['u3', 'nobody'])).resolves.toEqual([known, null]);
  });

  it('projects reads onto the requested features', async () => {
    await store.write('user_profile', [{ id: 'p1', eventTime: 5, features: { age: 40, gender: 'M', score: 1 } }]);
    const record = await store.get('user', 'p1', { features: ['score', 'age'] });
    expect(record?.features).toEqual({ score: 1, age: 40 });
    const repeated = await store.getMany('user', ['p1'], { features: Array.from({ length: 10_000 }, () => 'age') });
    expect(repeated[0]?.features).toEqual({ age: 40 });
    await expect(store.get('user', 'p1', { features: ['nope'] })).rejects.toMatchObject({
      code: FeatureStoreErrorCode.UnknownFeature,
      message: 'Unknown feature "nope" for entity "user"',
    });
  });

  it('returns a batch in request order, duplicates included', async () => {
    await store.write('merchant_risk', [
      { id: 'm1', eventTime: 1, features: { risk: 0.1 } },
      { id: 'm2', eventTime: 1, features: { risk: 0.2 } },
    ]);
    const records = await store.getMany('merchant', ['m2', 'm9', 'm1', 'm2']);
    expect(records.map((record) => record?.features['risk'] ?? null)).toEqual([0.2, null, 0.1, 0.2]);
  });

  it('keeps the newest event time: older rows are stale, equal times write', async () => {
    await store.write('user_profile', [{ id: 'o1', eventTime: 100, features: { age: 1 } }]);
    await expect(
      store.write('user_profile', [
        { id: 'o1', eventTime: 99, features: { age: 2 } },
        { id: 'o1', eventTime: 100, features: { age: 3 } },
      ]),
    ).resolves.toEqual({ written: 1, stale: 1 });
    await expect(store.write('user_profile', [{ id: 'o1', eventTime: 50, features: { age: 4 } }])).resolves.toEqual({
      written: 0,
      stale: 1,
    });
    const record = await store.get('user', 'o1');
    expect(record?.features['age']).toBe(3);
    expect(record?.eventTimes['user_profile']).toBe(100);
  });

  it('orders each view on its own event time', async () => {
    await store.write('user_profile', [{ id: 'v1', eventTime: 1_000, features: { age: 1 } }]);
    await expect(
      store.write('user_activity', [{ id: 'v1', eventTime: 10, features: { embedding: [1] } }]),
    ).resolves.toEqual({ written: 1, stale: 0 });
  });

  it('deletes features written as null and leaves omitted ones alone', async () => {
    await store.write('user_profile', [{ id: 'n1', eventTime: 1, features: { age: 5, gender: 'F' } }]);
    await store.write('user_profile', [{ id: 'n1', eventTime: 2, features: { gender: null, score: 2 } }]);
    const record = await store.get('user', 'n1');
    expect(record?.features).toMatchObject({ age: 5, gender: null, score: 2 });
    await expect(redis.hexists(`${namespace}user:n1:features`, 'gender')).resolves.toBe(0);
  });

  it('validates the whole batch before writing anything', async () => {
    const rows = [
      { id: 'bad-batch-1', eventTime: 1, features: { age: 1 } },
      { id: 'bad-batch-2', eventTime: 1, features: { age: 1.5 } },
    ];
    await expect(store.write('user_profile', rows)).rejects.toMatchObject({
      code: FeatureStoreErrorCode.InvalidRow,
      location: { row: 1, field: 'age' },
      message: 'Row 1: Feature "age" (int): expected an integer',
    });
    await expect(store.getMany('user', ['bad-batch-1', 'bad-batch-2'])).resolves.toEqual([null, null]);
  });

  it.each([
    ['an unknown feature', { id: 'x', eventTime: 1, features: { height: 3 } }, 'height'],
    ['a bad id', { id: 'has space', eventTime: 1, features: {} }, 'id'],
    ['a bad event time', { id: 'x', eventTime: 'soon', features: {} }, 'event_ts'],
  ])('rejects %s naming the field', async (_, row, field) => {
    await expect(store.write('user_profile', [row])).rejects.toMatchObject({ location: { row: 0, field } });
  });

  it('reports every row that does not fit, without writing', () => {
    expect(
      store.validate('user_profile', [
        { id: 'ok', eventTime: 1, features: { age: 1 } },
        { id: 'ok', eventTime: 1, features: { age: 'old' } },
        { id: 'ok', eventTime: 'never', features: {} },
      ]),
    ).toEqual([
      { row: 1, field: 'age', reason: 'Feature "age" (int): expected an integer' },
      { row: 2, field: 'event_ts', reason: 'event time: expected epoch milliseconds or an ISO-8601 date-time' },
    ]);
  });

  it('writes the rows that fit and reports the others, when asked to', async () => {
    await expect(
      store.writeValid('user_profile', [
        { id: 'wv1', eventTime: 1, features: { age: 1 } },
        { id: 'wv2', eventTime: 1, features: { age: 'x' } },
        { id: 'wv3', eventTime: 1, features: { age: 3 } },
      ]),
    ).resolves.toEqual({
      written: 2,
      stale: 0,
      rejected: [{ row: 1, field: 'age', reason: 'Feature "age" (int): expected an integer' }],
    });
    await expect(store.getMany('user', ['wv1', 'wv2', 'wv3'], { features: ['age'] })).resolves.toMatchObject([
      { features: { age: 1 } },
      null,
      { features: { age: 3 } },
    ]);
  });

  it('rejects ids that break the entity rules, before any Redis call', async () => {
    await expect(store.get('merchant', 'u1')).rejects.toMatchObject({ code: FeatureStoreErrorCode.InvalidId });
    await expect(store.get('user', 'x'.repeat(129))).rejects.toMatchObject({ code: FeatureStoreErrorCode.InvalidId });
    await expect(store.getMany('user', ['ok', ''])).rejects.toMatchObject({
      code: FeatureStoreErrorCode.InvalidId,
      location: { row: 1, field: 'id' },
    });
    await expect(store.get('order', '1')).rejects.toMatchObject({ code: FeatureStoreErrorCode.UnknownEntity });
    await expect(store.write('nope', [])).rejects.toMatchObject({ code: FeatureStoreErrorCode.UnknownView });
  });

  it('serves a stored value that does not fit its type as null (INVALID), and the rest of the row', async () => {
    await redis.hset(`${namespace}user:c1:features`, 'age', 'old', 'score', '1e400', 'gender', 'F', '_ts:user_profile', '1');
    await expect(store.get('user', 'c1')).resolves.toMatchObject({ features: { age: null, score: null, gender: 'F' } });
    const rows = await store.read({ entity: 'user', ids: ['c1'], features: ['age', 'score', 'gender'] });
    expect([0, 1, 2].map((column) => rows.status(0, column))).toEqual(['INVALID', 'INVALID', 'PRESENT']);
    expect(rows.invalidValues).toEqual([
      { row: 0, column: 0, key: `${namespace}user:c1:features`, field: 'age' },
      { row: 0, column: 1, key: `${namespace}user:c1:features`, field: 'score' },
    ]);
  });

  it('serves a key of another type than a hash as not found (INVALID), in a batch with others', async () => {
    await redis.set(`${namespace}user:str:features`, 'not a hash');
    await redis.rpush(`${namespace}user:list:features`, 'a');
    await store.write('user_profile', [{ id: 'ok1', eventTime: 1, features: { age: 3 } }]);
    const ids = ['str', 'ok1', 'list'];
    await expect(store.getMany('user', ids)).resolves.toEqual([null, expect.objectContaining({ id: 'ok1' }), null]);
    await expect(store.get('user', 'str')).resolves.toBeNull();
    const rows = await store.read({ entity: 'user', ids, features: ['age'] });
    expect(ids.map((_, row) => [rows.wrongType(row, 0), rows.status(row, 0)])).toEqual([
      [true, 'INVALID'],
      [false, 'PRESENT'],
      [true, 'INVALID'],
    ]);
  });

  it('reads only ids of the index with indexedOnly, in the same call', async () => {
    await store.write('user_profile', [{ id: 'act1', eventTime: 1, features: { age: 3 } }]);
    await redis.hset(`${namespace}user:notindexed:features`, 'age', '4');
    await redis.srem(store.keys.entityIndexOf('user', 'act1'), 'act1');
    await store.write('user_profile', [{ id: 'act2', eventTime: 1, features: { age: 5 } }]);
    const rows = await store.read({ entity: 'user', ids: ['act1', 'notindexed', 'act2'], indexedOnly: true });
    expect([0, 1, 2].map((row) => rows.found(row))).toEqual([false, false, true]);
    await expect(store.getMany('user', ['act1', 'notindexed'])).resolves.toMatchObject([{ features: { age: 3 } }, { features: { age: 4 } }]);
  });

  it('reads hashes written by the original prototype (no event time)', async () => {
    await redis.hset(`${namespace}user:legacy:features`, 'age', '41', 'gender', 'M', 'score', '12.75');
    const record = await store.get('user', 'legacy');
    expect(record?.features).toMatchObject({ age: 41, gender: 'M', score: 12.75 });
    expect(record?.eventTimes).toEqual({ user_profile: null, user_activity: null });
  });

  it('keeps the materialized event time of a view, moving only forward', async () => {
    await expect(store.materialized('user_profile')).resolves.toBeNull();
    await expect(store.advanceMaterialized('user_profile', 2_000)).resolves.toBe(2_000);
    await expect(store.advanceMaterialized('user_profile', 1_000)).resolves.toBe(2_000);
    await expect(store.materialized('user_profile')).resolves.toBe(2_000);
    await expect(store.materialized('user_activity')).resolves.toBeNull();
    await expect(store.materialized('nope')).rejects.toMatchObject({ code: FeatureStoreErrorCode.UnknownView });
  });

  it('keeps the counts of rows bulk loads handled, per view', async () => {
    await expect(store.loaded('user_profile')).resolves.toEqual({ written: 0, stale: 0, rejected: 0 });
    await store.recordLoaded('user_profile', { written: 10, stale: 2, rejected: 0 });
    await store.recordLoaded('user_profile', { written: 5, rejected: 1 });
    await expect(store.loaded('user_profile')).resolves.toEqual({ written: 15, stale: 2, rejected: 1 });
    await expect(store.loaded('user_activity')).resolves.toEqual({ written: 0, stale: 0, rejected: 0 });
    await expect(store.recordLoaded('nope', { written: 1 })).rejects.toMatchObject({ code: FeatureStoreErrorCode.UnknownView });
  });

  it('counts and looks up ids in the index set', async () => {
    await store.write('merchant_risk', [{ id: 'm77', eventTime: 1, features: { risk: 1 } }]);
    await expect(store.known('merchant', ['m77', 'm78'])).resolves.toEqual([true, false]);
    await expect(store.count('merchant')).resolves.toBeGreaterThanOrEqual(1);
  });

  it('turns Redis failures into REDIS_ERROR', async () => {
    const closed = createRedisClient(server.target, { lazyConnect: true, failFastWhenDisconnected: true });
    const offline = new FeatureStore(closed, { registry, namespace });
    closed.disconnect();
    await expect(offline.get('user', 'u1')).rejects.toMatchObject({ code: FeatureStoreErrorCode.RedisError });
    await expect(offline.ping()).rejects.toMatchObject({ code: FeatureStoreErrorCode.RedisError });
  });
});
