import { type SpawnedRedis, type TestRedis, deleteNamespace, eventually, redisForTests, spawnRedisServer, uniqueNamespace } from '@feature-store/testing';
import { join, relative } from 'node:path';
import { type BuiltApi, WORKSPACE, startBuiltApi } from '../testing/built-api';
import type { FeatureRegistry } from '../testing/test-registry';
import { FeatureStoreApiError } from './errors';
import { FeatureStoreClient } from './feature-store-client';

const REGISTRY_PATH = relative(WORKSPACE, join(__dirname, '..', 'testing', 'test-registry.yaml'));
const WRITER = 'writer-key-0123456789';
const READER = 'reader-key-0123456789';
const API_KEYS = `ingest:${WRITER}:read+write,model:${READER}:read`;

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as FeatureStoreApiError,
  );

describe('FeatureStoreClient against the built API', () => {
  const namespace = uniqueNamespace('client');
  let redis: TestRedis;
  let api: BuiltApi;
  let reader: FeatureStoreClient<FeatureRegistry>;
  let writer: FeatureStoreClient<FeatureRegistry>;

  beforeAll(async () => {
    redis = await redisForTests();
    api = await startBuiltApi({
      ...redis.env,
      REGISTRY_PATH,
      KEY_NAMESPACE: namespace,
      API_KEYS,
      READS_REQUIRE_KEY: 'true',
    });
    reader = new FeatureStoreClient<FeatureRegistry>({ baseUrl: api.url, apiKey: READER });
    writer = new FeatureStoreClient<FeatureRegistry>({ baseUrl: api.url, apiKey: WRITER });
    await writer.push('user_features', [
      { id: 'user00001', eventTime: new Date('2026-11-27T12:00:00Z'), features: { age: 34, gender: 'F', avg_session_duration_min: 41.5 } },
      { id: 'user/2?', eventTime: '2026-11-27T12:00:00Z', features: { age: 20 } },
    ]);
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    if (redis) {
      // A shared Redis (REDIS_URL) keeps nothing of the suite. The core is imported lazily, as the generator imports it.
      const { createRedisClient } = await import('@feature-store/core');
      const cleaner = createRedisClient(redis.target);
      await deleteNamespace(cleaner, namespace);
      cleaner.disconnect();
      await redis.stop();
    }
  });

  describe('get', () => {
    it("resolves with the entity's features, typed by the registry; null where unset", async () => {
      expect(await reader.get('user', 'user00001')).toEqual({
        age: 34,
        gender: 'F',
        purchase_count_30d: null,
        avg_session_duration_min: 41.5,
        preferred_category: null,
        verified: null,
        signed_up_at: null,
        embedding: null,
      });
    });

    it('fetches only the named features, and reads ids that need escaping in a path', async () => {
      expect(await reader.get('user', 'user/2?', { features: ['age', 'gender'] })).toEqual({ age: 20, gender: null });
    });

    it('resolves with null for an id never written', async () => {
      expect(await reader.get('user', 'nobody')).toBeNull();
    });

    it("fails with the API's code, detail, status and request id", async () => {
      const error = await failureOf(reader.get('user', 'user00001', { features: ['height' as 'age'] }));
      expect(error).toBeInstanceOf(FeatureStoreApiError);
      expect(error).toMatchObject({ status: 400, code: 'UNKNOWN_FEATURE', detail: 'Unknown feature "height" for entity "user"' });
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await failureOf(reader.get('users' as 'user', 'x'))).toMatchObject({ status: 404, code: 'UNKNOWN_ENTITY' });
    });

    it('needs a key with the read scope when the API requires one', async () => {
      const anonymous = new FeatureStoreClient<FeatureRegistry>({ baseUrl: api.url });
      expect(await failureOf(anonymous.get('user', 'user00001'))).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    });
  });

  describe('getMany', () => {
    it('answers in request order, null for unknown ids, an id given twice in both places', async () => {
      const features = await reader.getMany('user', ['nobody', 'user00001', 'user/2?', 'user00001'], { features: ['age'] });
      expect(features).toEqual([null, { age: 34 }, { age: 20 }, { age: 34 }]);
      expect(await reader.getMany('user', [])).toEqual([]);
    });

    it('reads int join keys', async () => {
      await writer.push('driver_hourly_stats', [{ id: 1001, eventTime: Date.now(), features: { conv_rate: 0.5, avg_daily_trips: 12 } }]);
      expect(await reader.getMany('driver', [1001, 1002])).toEqual([{ conv_rate: 0.5, acc_rate: null, avg_daily_trips: 12 }, null]);
      expect(await reader.get('driver', 1001, { features: ['avg_daily_trips'] })).toEqual({ avg_daily_trips: 12 });
    });
  });

  describe('push', () => {
    it('writes every type, skips rows older than the stored ones, and deletes features set to null', async () => {
      const signedUp = new Date('2026-01-02T03:04:05.678Z');
      expect(
        await writer.push('user_profile', [
          { id: 'p1', eventTime: Date.now() - 1_000, features: { verified: true, signed_up_at: signedUp, embedding: [0.5, -1, 2] } },
          { id: { user_id: 'p2' }, features: { verified: false, signed_up_at: signedUp.getTime() } },
        ]),
      ).toEqual({ written: 2, stale: 0 });
      expect(await reader.get('user', 'p1', { features: ['verified', 'signed_up_at', 'embedding'] })).toEqual({
        verified: true,
        signed_up_at: '2026-01-02T03:04:05.678Z',
        embedding: [0.5, -1, 2],
      });
      expect(await writer.push('user_profile', [{ id: 'p1', eventTime: 0, features: { verified: false } }])).toEqual({ written: 0, stale: 1 });
      expect(await writer.push('user_profile', [{ id: 'p1', features: { embedding: null } }])).toEqual({ written: 1, stale: 0 });
      expect(await reader.get('user', 'p1', { features: ['verified', 'embedding'] })).toEqual({ verified: true, embedding: null });
    });

    it('names the row and field of a refused push, and needs the write scope', async () => {
      const refused = await failureOf(writer.push('user_features', [{ id: 'ok', features: {} }, { id: 'bad', features: { age: 1.5 } }]));
      expect(refused).toMatchObject({ status: 400, code: 'INVALID_ROW' });
      expect(refused.detail).toContain('Row 1: Feature "age"');
      expect(await failureOf(reader.push('user_features', [{ id: 'x', features: { age: 1 } }]))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect(await reader.get('user', 'ok')).toBeNull();
    });
  });

  describe('getOnlineFeatures', () => {
    beforeAll(async () => {
      await writer.push('driver_hourly_stats', [{ id: 2001, eventTime: '2026-11-27T12:00:00Z', features: { conv_rate: 0.25, acc_rate: 0.75, avg_daily_trips: 3 } }]);
      await writer.push('driver_customer_stats', [{ id: { driver_id: 2001, customer_id: 'c1' }, eventTime: Date.now(), features: { trips_together: 7 } }]);
    });

    it('reads named features across views for entity rows: values, statuses and event times', async () => {
      const read = await reader.getOnlineFeatures({
        rows: [
          { driver_id: 2001, customer_id: 'c1' },
          { driver_id: 2002, customer_id: 'c1' },
        ],
        features: ['driver_customer_stats:trips_together', 'driver_hourly_stats:avg_daily_trips'],
      });
      expect(read.features).toEqual(['driver_customer_stats:trips_together', 'driver_hourly_stats:avg_daily_trips']);
      expect(read.featureService).toBeNull();
      expect(read.results[0]).toMatchObject({ key: { driver_id: 2001, customer_id: 'c1' }, values: [7, null], statuses: ['PRESENT', 'OUTSIDE_MAX_AGE'] });
      expect(read.results[0]!.eventTimes[1]).toBe('2026-11-27T12:00:00.000Z');
      expect(read.results[1]).toEqual({ key: { driver_id: 2002, customer_id: 'c1' }, values: [null, null], statuses: ['NOT_FOUND', 'NOT_FOUND'], eventTimes: [null, null] });
    });

    it("reads a feature service's columns in its order, and names it", async () => {
      await writer.push('driver_hourly_stats', [{ id: 2003, eventTime: Date.now(), features: { conv_rate: 0.5, acc_rate: 0.5, avg_daily_trips: 9 } }]);
      const read = await reader.getOnlineFeatures({ rows: [{ driver_id: 2003, customer_id: 'c1' }], featureService: 'driver_ranking' });
      expect(read.featureService).toEqual({ name: 'driver_ranking', version: 2 });
      expect(read.features).toHaveLength(4);
      expect(read.results[0]!.values).toEqual([0.5, 0.5, 9, null]);
      expect(read.results[0]!.statuses).toEqual(['PRESENT', 'PRESENT', 'PRESENT', 'NOT_FOUND']);
    });

    it('fails for an unknown feature service or a row without a join key', async () => {
      expect(await failureOf(reader.getOnlineFeatures({ rows: [{ driver_id: 1 }], featureService: 'nope' as 'driver_ranking' } as never))).toMatchObject({
        status: 404,
        code: 'UNKNOWN_FEATURE_SERVICE',
      });
      expect(await failureOf(reader.getOnlineFeatures({ rows: [{ driver_id: 1 }] as never, features: ['driver_customer_stats:trips_together'] }))).toMatchObject({
        status: 400,
        code: 'INVALID_ID',
      });
    });
  });
});

describe('FeatureStoreClient when Redis is down', () => {
  let redis: SpawnedRedis;
  let api: BuiltApi;

  beforeAll(async () => {
    redis = await spawnRedisServer();
    api = await startBuiltApi({ ...redis.env, REGISTRY_PATH, API_KEYS });
    redis.process.kill('SIGKILL');
    await new Promise((resolve) => redis.process.once('exit', resolve));
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    await redis?.stop();
  });

  // The API logs each 5xx answer with its request id, one line per attempt, once the answer is
  // sent: all lines are in once at least `expected` are (the call is over, nothing more comes).
  const attempts = async (requestId: string, expected: number) => {
    const count = () => api.log.filter((line) => line.includes(requestId)).length;
    await eventually(`${expected} log lines of request ${requestId}`, 5_000, () => count() >= expected);
    return count();
  };

  it('tries a read 1 + retries times under one request id, then fails with the 503', async () => {
    const client = new FeatureStoreClient<FeatureRegistry>({ baseUrl: api.url, retries: 2, retryDelayMs: 1, timeoutMs: 5_000 });
    const error = await failureOf(client.get('user', 'user00001'));
    expect(error).toMatchObject({ status: 503, code: 'REDIS_ERROR', detail: 'Feature store unavailable' });
    expect(await attempts(error.requestId, 3)).toBe(3);
  });

  it('tries a push once', async () => {
    const client = new FeatureStoreClient<FeatureRegistry>({ baseUrl: api.url, apiKey: WRITER, retries: 2, retryDelayMs: 1 });
    const error = await failureOf(client.push('user_features', [{ id: 'u1', features: { age: 1 } }]));
    expect(error).toMatchObject({ status: 503, code: 'REDIS_ERROR' });
    expect(await attempts(error.requestId, 1)).toBe(1);
  });
});
