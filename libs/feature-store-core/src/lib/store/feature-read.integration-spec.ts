import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { Cluster, type Redis } from 'ioredis';
import { join } from 'node:path';
import { FeatureStoreErrorCode } from '../errors';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { Registry } from '../registry/registry';
import { FeatureStore } from './feature-store';

const registry = Registry.fromFile(join(__dirname, '../../../../../registry/examples/feast-driver.yaml'));
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

/**
 * Calls of a command Redis has run, summed over the servers (every master of a cluster). A
 * script's own commands count too: on a single server read EVALSHA calls, on a cluster HMGETs.
 */
async function calls(redis: RedisClient, commands: readonly string[]): Promise<number> {
  const servers: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis as Redis];
  const stats = await Promise.all(servers.map((server) => server.info('commandstats')));
  return stats
    .flatMap((text) => commands.map((command) => Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(text)?.[1] ?? 0)))
    .reduce((sum, count) => sum + count, 0);
}

/**
 * Commands a read cost the client: script calls on one server (EVALSHA, or EVAL the first time),
 * HMGETs (pipelined per master) on a cluster.
 */
const readCalls = (redis: RedisClient) => calls(redis, redis instanceof Cluster ? ['hmget'] : ['evalsha', 'eval']);

describe('feature reads: views of several entities, composite and integer keys, statuses', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let store: FeatureStore;
  const namespace = uniqueNamespace('feature-read');

  beforeAll(async () => {
    server = await redisForTests();
    redis = createRedisClient(server.target);
    store = new FeatureStore(redis, { registry, namespace, clock: () => NOW });
    await store.write('driver_hourly_stats', [
      { id: 1001, eventTime: NOW - 3_600_000, features: { conv_rate: 0.7, acc_rate: 0.9, avg_daily_trips: 12 } },
      { id: 1002, eventTime: NOW - 2 * DAY, features: { conv_rate: 0.1, acc_rate: 0.2, avg_daily_trips: 3 } },
      { id: { driver_id: 1003 }, eventTime: NOW - 60_000, features: { conv_rate: 0.5 } },
    ]);
    await store.write('driver_customer_stats', [
      { id: { driver_id: 1001, customer_id: 'c|1' }, eventTime: NOW - 1_000, features: { trips_together: 4 } },
      { id: { driver_id: 1003, customer_id: 'c%2' }, eventTime: NOW - 1_000, features: { trips_together: 9 } },
    ]);
  });

  afterAll(async () => {
    await deleteNamespace(redis, namespace);
    await redis.quit();
    await server.stop();
  });

  const features = ['driver_hourly_stats:conv_rate', 'driver_customer_stats:trips_together', 'driver_hourly_stats:avg_daily_trips'];

  it('answers every row and feature with its value, status and event time, in one round trip', async () => {
    const before = await readCalls(redis);
    const rows = await store.read({
      rows: [
        { driver_id: 1001, customer_id: 'c|1' },
        { driver_id: 1002, customer_id: 'c|1' },
        { driver_id: 1003, customer_id: 'c%2' },
        { driver_id: 9999, customer_id: 'nobody' },
      ],
      features,
    });
    // One script call on one server; on a cluster one HMGET per key, in one pipeline per master.
    expect((await readCalls(redis)) - before).toBe(redis instanceof Cluster ? 8 : 1);
    const table = [0, 1, 2, 3].map((row) => [0, 1, 2].map((column) => [rows.value(row, column), rows.status(row, column)]));
    expect(table).toEqual([
      [[0.7, 'PRESENT'], [4, 'PRESENT'], [12, 'PRESENT']],
      [[null, 'OUTSIDE_MAX_AGE'], [null, 'NOT_FOUND'], [null, 'OUTSIDE_MAX_AGE']],
      [[0.5, 'PRESENT'], [9, 'PRESENT'], [null, 'NULL_VALUE']],
      [[null, 'NOT_FOUND'], [null, 'NOT_FOUND'], [null, 'NOT_FOUND']],
    ]);
    expect(rows.json(0, 0)).toBe('0.7');
    expect([rows.columnEventTime(0, 0), rows.columnEventTime(0, 1), rows.columnEventTime(3, 0)]).toEqual([NOW - 3_600_000, NOW - 1_000, null]);
  });

  it("reads a feature service's features, in its order", async () => {
    const rows = await store.read({ rows: [{ driver_id: 1001 }, { driver_id: 1003 }], featureService: 'driver_activity' });
    expect(rows.plan.columns.map((column) => column.feature.name)).toEqual(['conv_rate', 'acc_rate', 'avg_daily_trips']);
    expect([0, 1, 2].map((column) => rows.value(0, column))).toEqual([0.7, 0.9, 12]);
    expect([0, 1, 2].map((column) => rows.status(1, column))).toEqual(['PRESENT', 'NULL_VALUE', 'NULL_VALUE']);
  });

  it('keys ints by their decimal text and composite keys injectively, whatever the ids hold', async () => {
    await expect(redis.hget(store.keys.entityHash('driver', '1001'), 'conv_rate')).resolves.toBe('0.7');
    await expect(redis.hget(store.keys.entityHash('driver+customer', '1001|c%7C1'), 'trips_together')).resolves.toBe('4');
    await expect(store.get('driver', '1003')).resolves.toMatchObject({ features: { conv_rate: 0.5 } });
    await expect(store.known('driver+customer', [{ driver_id: 1001, customer_id: 'c|1' }, { driver_id: 1001, customer_id: 'c' }])).resolves.toEqual([true, false]);
  });

  it('serves a stored value another writer left that does not fit its type as INVALID, the rest as stored', async () => {
    await redis.hset(store.keys.entityHash('driver', '1004'), 'conv_rate', '1e400', 'avg_daily_trips', '12', '_ts:driver_hourly_stats', String(NOW));
    const rows = await store.read({ rows: [{ driver_id: 1004 }], features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips'] });
    expect([rows.status(0, 0), rows.status(0, 1), rows.value(0, 1)]).toEqual(['INVALID', 'PRESENT', 12]);
  });

  it.each([
    ['a row without a join key the features need', { rows: [{ driver_id: 1001 }], features }, FeatureStoreErrorCode.InvalidId, 'rows[0]: Missing join key customer_id'],
    ['a join key of the wrong type', { rows: [{ driver_id: 'x' }], features: ['driver_hourly_stats:conv_rate'] }, FeatureStoreErrorCode.InvalidId, 'expected an integer'],
    ['an unknown view', { rows: [{ driver_id: 1 }], features: ['nope:x'] }, FeatureStoreErrorCode.UnknownView, 'Unknown feature view "nope"'],
    ['an unknown feature', { rows: [{ driver_id: 1 }], features: ['driver_hourly_stats:nope'] }, FeatureStoreErrorCode.UnknownFeature, 'Unknown feature "nope"'],
    ['an unknown feature service', { rows: [{ driver_id: 1 }], featureService: 'nope' }, FeatureStoreErrorCode.UnknownFeatureService, 'nope'],
  ])('refuses %s before any Redis call', async (_, request, code, message) => {
    const before = await readCalls(redis);
    await expect(store.read(request)).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
    expect(await readCalls(redis)).toBe(before);
  });
});
