import { FeatureStore, type RedisClient, Registry, createRedisClient } from '@feature-store/core';
import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestorMetrics } from '../metrics/ingestor-metrics';
import { BulkLoader } from './bulk-loader.service';
import { LoadFileError } from './row-sources';

const registry = Registry.fromObject({
  entities: { user: {} },
  views: {
    profile: {
      entity: 'user',
      features: { age: 'int', score: 'float', vip: 'bool', seen: 'timestamp', embedding: 'float_vector', city: 'string' },
    },
  },
});

describe('BulkLoader on a real Redis', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let store: FeatureStore;
  const namespace = uniqueNamespace('loader');
  const metrics = new IngestorMetrics();
  const dir = mkdtempSync(join(tmpdir(), 'loader-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
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

  it('loads a CSV with typed cells, counting stale and rejected rows with their reasons', async () => {
    const path = file(
      'users.csv',
      [
        'id,event_ts,age,score,vip,seen,embedding,city',
        'c1,100,34,0.5,true,2025-11-27T00:00:00Z,"[1,2]",Paris',
        'c2,100,41,,0,1764201600000,,"Saint-Denis, Réunion"',
        'c1,50,99,9,false,1,[0],Old',
        'c3,100,forty,1,true,1,[1],X',
        'c4,100,1',
        'bad id,100,1,1,true,1,[1],X',
      ].join('\n'),
    );
    const progress: number[] = [];
    const summary = await new BulkLoader(store, metrics).load(path, 'profile', {
      format: 'csv',
      batchSize: 2,
      onProgress: (p) => progress.push(p.read),
    });
    expect(summary).toMatchObject({ read: 6, written: 2, stale: 1, rejected: 3 });
    expect(summary.reasons).toEqual([
      { reason: 'Feature "age" (int): expected an integer', count: 1, firstLine: 5 },
      { reason: 'expected 8 cells, got 3', count: 1, firstLine: 6 },
      expect.objectContaining({ firstLine: 7, reason: expect.stringContaining('Invalid user id "bad id"') }),
    ]);
    expect(progress.length).toBeGreaterThan(1);
    const counted = await metrics.rows.get();
    const value = (outcome: string) => counted.values.find((entry) => entry.labels['outcome'] === outcome)?.value;
    expect([value('written'), value('stale'), value('rejected')]).toEqual([2, 1, 3]);
    await expect(store.getMany('user', ['c1', 'c2', 'c3'])).resolves.toEqual([
      expect.objectContaining({
        features: { age: 34, score: 0.5, vip: true, seen: '2025-11-27T00:00:00.000Z', embedding: [1, 2], city: 'Paris' },
      }),
      expect.objectContaining({
        features: { age: 41, score: null, vip: false, seen: '2025-11-27T00:00:00.000Z', embedding: null, city: 'Saint-Denis, Réunion' },
      }),
      null,
    ]);
  });

  it('loads JSON Lines rows shaped like push rows', async () => {
    const path = file(
      'users.jsonl',
      [
        '{"id": "j1", "event_ts": "2025-01-01T00:00:00Z", "features": {"age": 20, "embedding": [0.5]}}',
        '',
        '{"id": "j2", "features": {"age": 21}}',
        '{"id": "j3", "features": {"age": 2.5}}',
        'not json',
        '[1, 2]',
      ].join('\n'),
    );
    const summary = await new BulkLoader(store, metrics).load(path, 'profile', { format: 'jsonl', batchSize: 100 });
    expect(summary).toMatchObject({ read: 5, written: 2, stale: 0, rejected: 3 });
    expect(summary.reasons.map((entry) => entry.firstLine)).toEqual([4, 5, 6]);
    const [first, second] = await store.getMany('user', ['j1', 'j2']);
    expect(first?.eventTimes['profile']).toBe(Date.UTC(2025, 0, 1));
    expect(second?.eventTimes['profile']).toBeGreaterThan(Date.UTC(2026, 0, 1));
  });

  it('refuses a CSV whose header names an unknown column, before writing anything', async () => {
    const path = file('bad-header.csv', 'id,age,height\nh1,3,180\n');
    await expect(new BulkLoader(store, metrics).load(path, 'profile', { format: 'csv', batchSize: 10 })).rejects.toThrow(
      new LoadFileError('CSV header: "height" is not a feature of view "profile"'),
    );
    await expect(store.get('user', 'h1')).resolves.toBeNull();
  });
});
