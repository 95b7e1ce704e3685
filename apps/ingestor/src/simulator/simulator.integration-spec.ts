import { FeatureStore, type RedisClient, Registry, createRedisClient } from '@feature-store/core';
import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IngestorConfig, loadIngestorConfig } from '../app/ingestor-config';
import { IngestorMetrics } from '../metrics/ingestor-metrics';
import { IngestorHealth } from '../app/ingestor-health';
import { Heartbeat } from './heartbeat';
import { Simulator } from './simulator.service';

const registry = Registry.fromFile(join(__dirname, '../../../../registry/features.yaml'));

describe('Simulator on a real Redis', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let store: FeatureStore;
  const namespace = uniqueNamespace('ingestor');
  const heartbeatFile = join(mkdtempSync(join(tmpdir(), 'ingestor-')), 'heartbeat');

  const simulator = (overrides: Partial<IngestorConfig> = {}) => {
    const config: IngestorConfig = {
      ...loadIngestorConfig({
        ...server.env,
        LOG_LEVEL: 'warn',
        KEY_NAMESPACE: namespace,
        INGEST_VIEW: 'user_features',
        INGEST_SEED_COUNT: '1200',
        INGEST_BATCH_SIZE: '50',
        INGEST_INTERVAL_MS: '10',
        INGEST_HEARTBEAT_FILE: heartbeatFile,
        INGEST_METRICS_PORT: '0',
      }),
      ...overrides,
    };
    return new Simulator(store, config, new Heartbeat(config, new IngestorHealth(config)), new IngestorMetrics());
  };

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

  it('seeds every id once, typed, and re-seeds nothing on restart', async () => {
    await expect(simulator().seed()).resolves.toEqual({ written: 1_200, present: 0 });
    await expect(store.count('user')).resolves.toBe(1_200);
    const stored = await redis.hgetall(store.keys.entityHash('user', 'user01199'));
    expect(Object.keys(stored).sort()).toEqual([
      '_t',
      'age',
      'avg_session_duration_min',
      'gender',
      'preferred_category',
      'purchase_count_30d',
    ]);
    expect(stored['age']).toMatch(/^\d+$/);

    const before = await redis.hgetall(store.keys.entityHash('user', 'user00000'));
    await expect(simulator().seed()).resolves.toEqual({ written: 0, present: 1_200 });
    await expect(redis.hgetall(store.keys.entityHash('user', 'user00000'))).resolves.toEqual(before);
    expect(Date.parse(readFileSync(heartbeatFile, 'utf8'))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('rewrites random seeded ids in batches until stopped, without new ids', async () => {
    const running = simulator({ INGEST_INTERVAL_MS: 60_000 });
    const store = new FeatureStore(redis, { registry, namespace });
    const startedAt = Date.now();
    const loop = running.run();
    await new Promise((resolve) => setTimeout(resolve, 200));
    running.stop();
    await loop;
    const after = await store.getMany('user', Array.from({ length: 1_200 }, (_, i) => `user${String(i).padStart(5, '0')}`));
    const updated = after.filter((record) => (record?.eventTimes['user_features'] ?? 0) >= startedAt);
    // One batch of 50 random ids (some may repeat), then a pause that stop() cuts short.
    expect(updated.length).toBeGreaterThan(0);
    expect(updated.length).toBeLessThanOrEqual(50);
    await expect(store.count('user')).resolves.toBe(1_200);
  });
});
