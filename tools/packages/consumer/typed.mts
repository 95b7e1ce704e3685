// The service again in strict TypeScript (tsconfig.json here), typed by the registry types that
// the package's feature-store-codegen wrote to features.ts; each @ts-expect-error proves a mistake
// fails to compile against the installed packages' declarations.
import assert from 'node:assert/strict';
import { type EntityRecord, FeatureStore, Registry, type WriteResult, createRedisClient } from '@feature-store/core';
import { FeatureStoreApiError, FeatureStoreClient, type PushResult } from '@feature-store/client';
import type { FeatureRegistry } from './features.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

/** Mistakes that must not compile (never called). */
export function mistakes(client: FeatureStoreClient<FeatureRegistry>) {
  return [
    // @ts-expect-error not a feature of user
    client.get('user', 'ts-1', { features: ['verifed'] }),
    // @ts-expect-error a driver id is a number
    client.push('driver_hourly_stats', [{ id: '4001', features: {} }]),
  ];
}

const redis = createRedisClient(env('REDIS_URL'));
try {
  const store = new FeatureStore(redis, { registry: Registry.fromFile(env('REGISTRY_PATH')), namespace: env('KEY_NAMESPACE') });
  const client = new FeatureStoreClient<FeatureRegistry>({ baseUrl: env('API_URL'), apiKey: env('API_KEY'), timeoutMs: 5_000 });

  const written: WriteResult = await store.write('user_profile', [{ id: 'ts-1', eventTime: new Date(), features: { verified: true, embedding: [1, 2, 3] } }]);
  assert.deepEqual(written, { written: 1, stale: 0 });
  const record: EntityRecord | null = await store.get('user', 'ts-1');
  assert.equal(record?.features['verified'], true);

  const profile = await client.get('user', 'ts-1', { features: ['verified', 'embedding'] });
  const verified: boolean | null | undefined = profile?.verified;
  const embedding: number[] | null | undefined = profile?.embedding;
  assert.deepEqual({ verified, embedding }, { verified: true, embedding: [1, 2, 3] });

  const pushed: PushResult = await client.push('driver_hourly_stats', [{ id: 4001, eventTime: Date.now(), features: { conv_rate: 0.75, acc_rate: 0.5, avg_daily_trips: 8 } }]);
  assert.deepEqual(pushed, { written: 1, stale: 0 });

  const ranking = await client.getOnlineFeatures({ rows: [{ driver_id: 4001, customer_id: 'c9' }], featureService: 'driver_ranking' });
  const [convRate, , trips, together]: [number | null, number | null, number | null, number | null] = ranking.results[0]!.values;
  assert.deepEqual([convRate, trips, together], [0.75, 8, null]);
  assert.deepEqual(ranking.results[0]!.statuses, ['PRESENT', 'PRESENT', 'PRESENT', 'NOT_FOUND']);
  assert.deepEqual(ranking.featureService, { name: 'driver_ranking', version: 2 });

  const missing = await client.get('user', 'nobody').catch((error: unknown) => (error instanceof FeatureStoreApiError ? error.code : 'other'));
  assert.equal(missing, null);
  console.log('typed: ok');
} finally {
  redis.disconnect();
}
