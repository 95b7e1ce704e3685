// The same service as esm.mjs, as CommonJS: require() of both packages.
const assert = require('node:assert/strict');
const { FeatureStore, FeatureStoreError, Registry, createRedisClient } = require('@feature-store/core');
const { FeatureStoreApiError, FeatureStoreClient } = require('@feature-store/client');

async function main() {
  const { REDIS_URL, KEY_NAMESPACE, REGISTRY_PATH, API_URL, API_KEY } = process.env;
  const redis = createRedisClient(REDIS_URL);
  try {
    const store = new FeatureStore(redis, { registry: Registry.fromFile(REGISTRY_PATH), namespace: KEY_NAMESPACE });
    const client = new FeatureStoreClient({ baseUrl: API_URL, apiKey: API_KEY });

    assert.deepEqual(await store.write('driver_hourly_stats', [{ id: 3001, eventTime: Date.now(), features: { conv_rate: 0.5 } }]), { written: 1, stale: 0 });
    assert.deepEqual(await client.getMany('driver', [3001, 3002], { features: ['conv_rate'] }), [{ conv_rate: 0.5 }, null]);
    assert.deepEqual(await client.push('driver_customer_stats', [{ id: { driver_id: 3001, customer_id: 'c1' }, features: { trips_together: 2 } }]), { written: 1, stale: 0 });
    const rows = await store.read({ rows: [{ driver_id: 3001, customer_id: 'c1' }], features: ['driver_customer_stats:trips_together'] });
    assert.equal(rows.value(0, 0), 2);

    // import() and require() give the same module: one error class, one record of defined scripts.
    const imported = await import('@feature-store/core');
    assert.equal(imported.FeatureStoreError, FeatureStoreError);
    assert.equal((await import('@feature-store/client')).FeatureStoreApiError, FeatureStoreApiError);
    console.log('cjs: ok');
  } finally {
    redis.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
