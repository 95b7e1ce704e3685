// A service that imports both packages as ES modules: writes and reads Redis through the core, the
// API through the client. Run by consumer.integration-spec.ts in a fresh project outside the
// workspace; env: REDIS_URL, KEY_NAMESPACE, REGISTRY_PATH, API_URL, API_KEY.
import assert from 'node:assert/strict';
import { FeatureStore, FeatureStoreError, Registry, createRedisClient } from '@feature-store/core';
import { FeatureStoreApiError, FeatureStoreClient } from '@feature-store/client';

const { REDIS_URL, KEY_NAMESPACE, REGISTRY_PATH, API_URL, API_KEY } = process.env;
const redis = createRedisClient(REDIS_URL);
try {
  const store = new FeatureStore(redis, { registry: Registry.fromFile(REGISTRY_PATH), namespace: KEY_NAMESPACE });
  const client = new FeatureStoreClient({ baseUrl: API_URL, apiKey: API_KEY });

  // Written by the core (its Lua scripts run), read back by the core and through the API.
  assert.deepEqual(await store.write('user_features', [{ id: 'esm-1', eventTime: Date.now(), features: { age: 31, gender: 'F' } }]), { written: 1, stale: 0 });
  assert.deepEqual((await store.get('user', 'esm-1', { features: ['age', 'gender'] }))?.features, { age: 31, gender: 'F' });
  assert.deepEqual(await client.get('user', 'esm-1', { features: ['age', 'gender'] }), { age: 31, gender: 'F' });

  // Pushed through the API, read by the core.
  assert.deepEqual(await client.push('user_features', [{ id: 'esm-2', eventTime: new Date(), features: { age: 40 } }]), { written: 1, stale: 0 });
  assert.equal((await store.get('user', 'esm-2'))?.features.age, 40);

  await assert.rejects(store.get('nobody', 'x'), (error) => error instanceof FeatureStoreError && error.code === 'UNKNOWN_ENTITY');
  await assert.rejects(client.get('nobody', 'x'), (error) => error instanceof FeatureStoreApiError && error.status === 404 && error.code === 'UNKNOWN_ENTITY');
  console.log('esm: ok');
} finally {
  redis.disconnect();
}
