import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { Cluster, Redis } from 'ioredis';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { WriteCode } from '../redis/scripts';
import { type Backend, type BackendRow, WRONG_TYPE } from './backend';
import { ClusterBackend } from './cluster-backend';
import { createBackend } from './create-backend';
import { SingleServerBackend } from './single-server-backend';

/**
 * The backend of the topology the suite runs on: the single-server backend under `integration`,
 * the Redis Cluster backend under `integration-cluster` (REDIS_CLUSTER_NODES), through the one
 * interface the store uses.
 */
describe('Backend on a real Redis', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let backend: Backend;
  const namespace = uniqueNamespace('backend');

  /** Rows of the write script for ids of the key space "user", view event-time field "_ts:v". */
  const rows = (entries: readonly [id: string, eventTimeMs: number, value: string][]): BackendRow[] =>
    entries.map(([id, eventTimeMs, value]) => ({
      id,
      hash: backend.keys.entityHash('user', id),
      index: backend.keys.entityIndexOf('user', id),
      eventTimeMs,
      set: ['n', value],
      unset: [],
    }));
  const write = (entries: readonly [string, number, string][]) => backend.write({ eventTimeField: '_ts:v', ttlMs: null, rows: rows(entries) });

  beforeAll(async () => {
    server = await redisForTests();
    redis = createRedisClient(server.target);
    backend = createBackend(redis, namespace, undefined);
  });

  afterAll(async () => {
    await deleteNamespace(redis, namespace);
    await redis.quit();
    await server.stop();
  });

  it('is the backend of the client topology', () => {
    expect(backend).toBeInstanceOf(redis instanceof Cluster ? ClusterBackend : SingleServerBackend);
    expect(backend.keys.cluster).toBe(redis instanceof Cluster);
  });

  it('writes rows last-write-wins, one code per row, and indexes the ids written', async () => {
    await expect(write([['a', 10, '1'], ['b', 10, '1'], ['a', 5, '2'], ['a', 10, '3']])).resolves.toEqual([
      WriteCode.Written,
      WriteCode.Written,
      WriteCode.Stale,
      WriteCode.Written,
    ]);
    const ids = Array.from({ length: 300 }, (_, n) => `many${n}`);
    const codes = await write(ids.map((id) => [id, 1, id]));
    expect(codes.every((code) => code === WriteCode.Written)).toBe(true);
    const members = await backend.isMember([...ids, 'a', 'nobody'].map((id) => ({ set: backend.keys.entityIndexOf('user', id), member: id })));
    expect(members).toEqual([...ids.map(() => true), true, false]);
    await expect(backend.count(backend.keys.entityIndexes('user'))).resolves.toBe(302);
  });

  it('reads groups of keys with their own fields in one call, in order, a missing hash as all false', async () => {
    await write([['r1', 1, 'x'], ['r2', 2, 'y']]);
    const hash = (id: string) => backend.keys.entityHash('user', id);
    const replies = await backend.read([
      { keys: [hash('r2'), hash('nobody'), hash('r1')], fields: ['n', '_ts:v'] },
      { keys: [hash('r1')], fields: ['_ts:v'] },
    ]);
    const asArrays = replies.map((group) => group.map((values) => values.map((value) => (value === false ? null : value))));
    expect(asArrays).toEqual([
      [['y', '2'], [null, null], ['x', '1']],
      [['1']],
    ]);
    await expect(backend.read([{ keys: [hash('r1')], fields: ['n'] }])).resolves.toEqual([[['x']]]);
  });

  it('splits a read whose reply could be large into calls of bounded size, one round trip, keys in order', async () => {
    const ids = Array.from({ length: 12 }, (_, n) => `big${n}`);
    await write(ids.map((id, n) => [id, 1, String(n)]));
    const scriptCalls = async () => {
      const stats = redis instanceof Cluster ? '' : await (redis as Redis).info('commandstats');
      return [...stats.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)].reduce((sum, match) => sum + Number(match[2]), 0);
    };
    const before = await scriptCalls();
    // Each key's reply could take 3 MiB: two keys per call of at most 8 MiB.
    const [values] = await backend.read([{ keys: ids.map((id) => backend.keys.entityHash('user', id)), fields: ['n'], maxKeyBytes: 3 * 1_024 * 1_024 }]);
    expect(values).toEqual(ids.map((_, n) => [String(n)]));
    if (!(redis instanceof Cluster)) expect((await scriptCalls()) - before).toBe(6);
  });

  it('reads a key of another type than a hash as WRONG_TYPE, and the others of the call', async () => {
    const plain = backend.keys.entityHash('user', 'plain');
    await redis.set(plain, 'not a hash');
    await write([['beside', 1, 'ok']]);
    const [single] = await backend.read([{ keys: [plain], fields: ['n'] }]);
    expect(single![0]).toBe(WRONG_TYPE);
    const [group] = await backend.read([{ keys: [plain, backend.keys.entityHash('user', 'beside')], fields: ['n'] }]);
    expect(group![0]).toBe(WRONG_TYPE);
    expect(group![1]).toEqual(['ok']);
  });

  it('reports rows over foreign data instead of failing the call: a key of another type, a stored event time that is not a number', async () => {
    await redis.rpush(backend.keys.entityHash('user', 'listed'), 'x');
    await redis.hset(backend.keys.entityHash('user', 'badtime'), '_ts:v', 'yesterday');
    await expect(write([['listed', 1, '1'], ['fine', 1, '1'], ['badtime', 1, '1']])).resolves.toEqual([
      WriteCode.WrongType,
      WriteCode.Written,
      WriteCode.BadStoredEventTime,
    ]);
    await expect(redis.hget(backend.keys.entityHash('user', 'badtime'), 'n')).resolves.toBeNull();
  });

  it('appends stream entries and keeps a time mark that only moves forward', async () => {
    const ids = await backend.append(backend.keys.stream('v'), [['id', 'a'], ['id', 'b']]);
    expect(ids).toHaveLength(2);
    await expect(redis.xlen(backend.keys.stream('v'))).resolves.toBe(2);
    const mark = backend.keys.materialized('v');
    await expect(backend.time(mark)).resolves.toBeNull();
    await expect(backend.advanceTime(mark, 7)).resolves.toBe(7);
    await expect(backend.advanceTime(mark, 3)).resolves.toBe(7);
    await expect(backend.time(mark)).resolves.toBe(7);
    await expect(backend.ping()).resolves.toBeUndefined();
  });

  it('adds counts to the fields of a hash and reads them back', async () => {
    const key = backend.keys.loaded('v');
    await expect(backend.counts(key)).resolves.toEqual({});
    await backend.addCounts(key, { written: 3, stale: 1 });
    await backend.addCounts(key, { written: 2 });
    await backend.addCounts(key, {});
    await expect(backend.counts(key)).resolves.toEqual({ written: 5, stale: 1 });
  });

  it('needs no key outside those declared: it runs for a user whose ACL allows only the namespace', async () => {
    const user = `fs-acl-${namespace.replace(/[^a-z0-9]/g, '')}`;
    const nodes = redis instanceof Cluster ? redis.nodes('all') : [redis as Redis];
    await Promise.all(nodes.map((node) => node.call('ACL', 'SETUSER', user, 'on', '>acl-secret', `~${namespace}*`, '+@all')));
    const target =
      typeof server.target === 'string'
        ? server.target.replace('redis://', `redis://${user}:acl-secret@`)
        : server.target.map((node) => `redis://${user}:acl-secret@${node}`);
    const limited = createRedisClient(target);
    try {
      const scoped = createBackend(limited, namespace, undefined);
      const row = { id: 'acl', hash: scoped.keys.entityHash('user', 'acl'), index: scoped.keys.entityIndexOf('user', 'acl'), eventTimeMs: 1, set: ['n', '1'], unset: [] };
      await expect(scoped.write({ eventTimeField: '_ts:v', ttlMs: null, rows: [row] })).resolves.toEqual([WriteCode.Written]);
      const many = ['acl', 'a', 'b'].map((id) => scoped.keys.entityHash('user', id));
      await expect(scoped.read([{ keys: many, fields: ['n'] }])).resolves.toEqual([[['1'], ['3'], ['1']]]);
      // The ACL does bite outside the namespace.
      await expect(limited.get('outside-the-namespace')).rejects.toThrow(/NOPERM/);
    } finally {
      limited.disconnect();
      await Promise.all(nodes.map((node) => node.call('ACL', 'DELUSER', user)));
    }
  });
});
