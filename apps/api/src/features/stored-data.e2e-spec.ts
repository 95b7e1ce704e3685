import { type TestApi, startTestApi } from '../testing/test-api';

/**
 * Data another writer left in Redis (the prototype's ingest script, other teams' jobs, hand
 * fixes), written here with plain Redis commands: every read route degrades per value or per
 * entity, never per request, and none of it counts as an outage.
 */
describe('reads over foreign or corrupt stored data', () => {
  let api: TestApi;
  const hash = (id: string) => api.store.keys.entityHash('user', id);
  const index = (id: string) => api.store.keys.entityIndexOf('user', id);
  const metric = async (pattern: RegExp) => Number(pattern.exec((await api.request('GET', '/metrics')).body)?.[1] ?? 0);

  beforeAll(async () => {
    api = await startTestApi();
    await api.store.write('user_features', [
      { id: 'good', eventTime: Date.now(), features: { age: 30, gender: 'F', avg_session_duration_min: 2.5 } },
    ]);
    const redis = api.redis;
    // Values that do not fit their declared types.
    await redis.hset(hash('na'), 'age', 'N/A', 'gender', 'M', 'purchase_count_30d', '9007199254740993', 'avg_session_duration_min', '1e400');
    await redis.sadd(index('na'), 'na');
    // Keys of another type than a hash.
    await redis.set(hash('str'), 'not a hash');
    await redis.sadd(index('str'), 'str');
    await redis.rpush(hash('list'), 'a', 'b');
    await redis.sadd(index('list'), 'list');
  });

  afterAll(async () => {
    await api.close();
  });

  it('serves a value that does not fit its type as null, the rest of the user as stored (original routes)', async () => {
    const single = await api.request('GET', '/features/na');
    expect(single.statusCode).toBe(200);
    expect(single.json()).toStrictEqual({
      user_id: 'na',
      features: { age: null, gender: 'M', purchase_count_30d: null, avg_session_duration_min: null, preferred_category: null },
    });
    expect(single.body).not.toMatch(/1e400|Infinity|9007199254740993/);
    const batch = await api.request('POST', '/features/batch', { user_ids: ['good', 'na', 'str', 'list', 'nobody'] });
    expect(batch.statusCode).toBe(200);
    expect(batch.json()).toStrictEqual([
      { user_id: 'good', features: { age: 30, gender: 'F', purchase_count_30d: null, avg_session_duration_min: 2.5, preferred_category: null } },
      { user_id: 'na', features: { age: null, gender: 'M', purchase_count_30d: null, avg_session_duration_min: null, preferred_category: null } },
      { user_id: 'str', features: null },
      { user_id: 'list', features: null },
      { user_id: 'nobody', features: null },
    ]);
  });

  it('serves a key of another type as not found: 404 alone, null in a batch (v1 too)', async () => {
    for (const id of ['str', 'list']) {
      expect((await api.request('GET', `/features/${id}`)).statusCode).toBe(404);
      expect((await api.request('GET', `/v1/features/user/${id}`)).statusCode).toBe(404);
    }
    const batch = await api.request('POST', '/v1/features/user/batch', { ids: ['str', 'na', 'good'], features: ['age', 'gender'] });
    expect(batch.statusCode).toBe(200);
    expect(batch.json()).toStrictEqual({
      entity: 'user',
      results: [null, { id: 'na', features: { age: null, gender: 'M' }, expired: [] }, { id: 'good', features: { age: 30, gender: 'F' }, expired: [] }],
    });
  });

  it('says INVALID where statuses exist: the v1 feature read and Feast\'s read', async () => {
    const features = ['user_features:age', 'user_features:gender'];
    const v1 = await api.request('POST', '/v1/features', { rows: [{ user_id: 'na' }, { user_id: 'str' }, { user_id: 'good' }], features });
    expect(v1.statusCode).toBe(200);
    expect(v1.json().results.map((result: { statuses: string[] }) => result.statuses)).toEqual([
      ['INVALID', 'PRESENT'],
      ['INVALID', 'INVALID'],
      ['PRESENT', 'PRESENT'],
    ]);
    const feast = await api.request('POST', '/get-online-features', { entities: { user_id: ['na', 'list'] }, features });
    expect(feast.statusCode).toBe(200);
    expect(feast.json().results.slice(1)).toMatchObject([
      { values: [null, null], statuses: ['INVALID', 'INVALID'] },
      { values: ['M', null], statuses: ['PRESENT', 'INVALID'] },
    ]);
  });

  it('counts invalid values and entities, and none of it as a Redis error', async () => {
    const values = await metric(/feature_store_invalid_values_total\{view="user_features",feature="age"\} (\d+)/);
    const entities = await metric(/feature_store_invalid_entities_total\{entity="user"\} (\d+)/);
    await api.request('POST', '/features/batch', { user_ids: ['na', 'str'] });
    expect(await metric(/feature_store_invalid_values_total\{view="user_features",feature="age"\} (\d+)/)).toBe(values + 1);
    expect(await metric(/feature_store_invalid_entities_total\{entity="user"\} (\d+)/)).toBe(entities + 1);
    expect(await metric(/feature_store_redis_errors_total (\d+)/)).toBe(0);
    expect((await api.request('GET', '/health')).statusCode).toBe(200);
  });

  it("keeps the prototype's activity check on the original single read only: an id not in all_users is 404 there", async () => {
    await api.store.write('user_features', [{ id: 'inactive', eventTime: Date.now(), features: { age: 44 } }]);
    await api.redis.srem(index('inactive'), 'inactive');
    expect((await api.request('GET', '/features/inactive')).statusCode).toBe(404);
    expect((await api.request('POST', '/features/batch', { user_ids: ['inactive'] })).json()).toMatchObject([{ features: { age: 44 } }]);
    expect((await api.request('GET', '/v1/features/user/inactive')).statusCode).toBe(200);
  });
});
