import { FeatureStore } from '@feature-store/core';
import { eventually } from '@feature-store/testing';
import { NEAR_CACHE_REGISTRY_PATH, type TestApi, startTestApi } from '../testing/test-api';

const KEY = 'near-cache-e2e-key-0123456789';

/** Every read route on the registry with the near-cache on: served from memory, then what was written. */
describe('the read routes with the near-cache', () => {
  let api: TestApi;
  let store: FeatureStore;

  const metric = async (line: string) => {
    const text = (await api.request('GET', '/metrics')).body;
    return Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  };
  const ages = async () => [
    (await api.request('GET', '/features/user00001')).json().features.age,
    (await api.request('POST', '/features/batch', { user_ids: ['user00001'] })).json()[0].features.age,
    (await api.request('GET', '/v1/features/user/user00001?features=age')).json().features.age,
    (await api.request('POST', '/v1/features/user/batch', { ids: ['user00001'] })).json().results[0].features.age,
    (await api.request('POST', '/v1/features', { rows: [{ user_id: 'user00001' }], features: ['user_features:age'] })).json().results[0].values[0],
  ];

  beforeAll(async () => {
    api = await startTestApi({ REGISTRY_PATH: NEAR_CACHE_REGISTRY_PATH, API_KEYS: `e2e:${KEY}:read+write` });
    store = api.app.get(FeatureStore);
    await api.store.write('user_features', [{ id: 'user00001', eventTime: 1_000, features: { age: 34, gender: 'F' } }]);
    await api.request('GET', '/features/user00001');
    await eventually('tracking confirmed', 10_000, () => store.nearCacheStats()!.armed);
  });

  afterAll(async () => {
    await api.close();
  });

  it('serves every read route from memory, and a write (its own, another client\'s) once its invalidation is in', async () => {
    await ages(); // fills
    const hits = await metric('feature_store_near_cache_hits_total{entity="user",lookup="hash"}');
    await expect(ages()).resolves.toEqual([34, 34, 34, 34, 34]);
    expect((await metric('feature_store_near_cache_hits_total{entity="user",lookup="hash"}')) - hits).toBe(5);
    expect(await metric('feature_store_near_cache_hits_total{entity="user",lookup="index"}')).toBeGreaterThan(0);

    const push = await api.request('POST', '/v1/push/user_features', { rows: [{ id: 'user00001', event_ts: 2_000, features: { age: 35 } }] }, { 'x-api-key': KEY });
    expect(push.json()).toEqual({ written: 1, stale: 0 });
    await store.syncNearCache();
    await expect(ages()).resolves.toEqual([35, 35, 35, 35, 35]);
    await api.store.write('user_features', [{ id: 'user00001', eventTime: 3_000, features: { age: 36 } }]);
    await store.syncNearCache();
    await expect(ages()).resolves.toEqual([36, 36, 36, 36, 36]);
  });

  it('exports what the near-cache did', async () => {
    expect(await metric('feature_store_near_cache_entries{entity="user"}')).toBeGreaterThan(0);
    expect(await metric('feature_store_near_cache_invalidations_total')).toBeGreaterThan(0);
    expect(await metric('feature_store_near_cache_drops_total{reason="flush"}')).toBe(0);
    expect(await metric('feature_store_near_cache_armed')).toBe(1);
    expect(await metric('feature_store_near_cache_misses_total{entity="user",lookup="hash"}')).toBeGreaterThan(0);
  });
});
