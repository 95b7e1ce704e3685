import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { type ClusterNode, type SpawnedCluster, eventually, moveSlot, spawnRedisCluster } from '@feature-store/testing';
import type { Durability } from '../backend/redis-backend';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { FeatureStoreErrorCode } from '../errors';
import { Registry } from '../registry/registry';
import { FeatureStore } from './feature-store';

/**
 * Faults on a private 3 x 1 cluster (tools/cluster/cluster.ts): a slot moved behind the client's
 * back, and a master killed with SIGKILL under read and write load, with the client settings `createRedisClient` gives a cluster
 * and the API's on a cluster (fail fast, a command timeout of 5 s: ioredis counts it from the first
 * attempt, across the retries that wait out a failover).
 */

const registry = Registry.fromObject({
  entities: { user: {} },
  views: { v: { entity: 'user', features: { n: 'int' } } },
});
const IDS = Array.from({ length: 300 }, (_, n) => `user${n}`);

interface Load {
  /** Event time of the newest acknowledged write of each id. */
  readonly acked: Map<string, number>;
  readonly failures: string[];
  reads: number;
  writes: number;
  worstMs: number;
  stop(): Promise<void>;
}

/** A failed call may reject without I/O: loops let timers run between calls. */
const yieldToTimers = () => new Promise((resolve) => setImmediate(resolve));

/** Writers (20 rows a call, rising event times) and readers (batches of 100, single reads) until stopped. */
function startLoad(store: FeatureStore): Load {
  let running = true;
  let clock = Date.now();
  const load: Load = { acked: new Map(), failures: [], reads: 0, writes: 0, worstMs: 0, stop: async () => undefined };
  const timed = async (what: string, call: () => Promise<unknown>) => {
    const started = Date.now();
    try {
      await call();
    } catch (error) {
      load.failures.push(`${what}: ${(error as Error).message}`);
      return false;
    } finally {
      load.worstMs = Math.max(load.worstMs, Date.now() - started);
    }
    return true;
  };
  const pick = (count: number) => Array.from({ length: count }, () => IDS[Math.floor(Math.random() * IDS.length)]!);
  const writer = async () => {
    while (running) {
      const rows = [...new Set(pick(20))].map((id) => ({ id, eventTime: ++clock, features: { n: clock } }));
      if (await timed('write', () => store.write('v', rows))) {
        for (const row of rows) load.acked.set(row.id, Math.max(load.acked.get(row.id) ?? 0, row.eventTime));
      }
      load.writes++;
      await yieldToTimers();
    }
  };
  const reader = async () => {
    while (running) {
      await timed('batch read', () => store.getMany('user', pick(100)));
      await timed('read', () => store.get('user', pick(1)[0]!));
      load.reads += 2;
      await yieldToTimers();
    }
  };
  const loops = [writer(), writer(), reader(), reader()];
  load.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return load;
}

/** Acknowledged writes whose row is not stored (an older event time, or none). */
async function lostWrites(store: FeatureStore, acked: ReadonlyMap<string, number>): Promise<string[]> {
  const ids = [...acked.keys()];
  const records = await store.getMany('user', ids);
  return ids.filter((id, index) => (records[index]?.eventTimes['v'] ?? 0) < acked.get(id)!);
}

describe('a Redis Cluster under faults', () => {
  jest.setTimeout(60_000);

  let cluster: SpawnedCluster;
  let nodes: readonly ClusterNode[];
  const clients: RedisClient[] = [];

  const storeOn = async (durability?: Durability) => {
    const client = createRedisClient(cluster.target, { failFastWhenDisconnected: true, commandTimeoutMs: 5_000 });
    client.on('error', () => undefined); // the killed node's connection errors are expected
    clients.push(client);
    await new Promise((resolve) => client.once('ready', resolve));
    return new FeatureStore(client, durability ? { registry, durability } : { registry });
  };

  /** A replica and the pid of its master, read from the replica. */
  const replicaAndMaster = async (): Promise<{ replica: ClusterNode; master: ClusterNode }> => {
    const replica = nodes.find((node) => node.role === 'replica')!;
    const client = new Redis(replica.port, '127.0.0.1');
    const info = await client.info('replication');
    client.disconnect();
    const masterPort = Number(/master_port:(\d+)/.exec(info)![1]);
    return { replica, master: nodes.find((node) => node.port === masterPort)! };
  };

  /** The whole cluster serves again: every id can be written (a write needs every master). */
  const servesAgain = (store: FeatureStore) =>
    eventually('the cluster to serve every slot again', 30_000, async () => {
      const rows = IDS.map((id) => ({ id, eventTime: 1, features: {} }));
      await store.write('v', rows);
      return true;
    }, 100);

  beforeEach(async () => {
    cluster = await spawnRedisCluster();
    nodes = cluster.nodes;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await cluster.stop();
  });

  it('reads and writes keys whose slot moved to another master, whatever the client\'s slot map says', async () => {
    const store = await storeOn();
    await store.write('v', IDS.map((id) => ({ id, eventTime: 1, features: { n: 1 } })));
    const masters = nodes.filter((node) => node.role === 'master').map((node) => new Redis(node.port, '127.0.0.1'));
    // Move the slot of user7 by hand, as redis-cli --cluster reshard does: the store's client does not know.
    await moveSlot(masters, calculateSlot(store.keys.entityHash('user', 'user7')));
    for (const master of masters) master.disconnect();

    const read = await store.getMany('user', IDS);
    expect(read.map((record) => record?.features['n'])).toEqual(IDS.map(() => 1));
    await expect(store.write('v', IDS.map((id) => ({ id, eventTime: 2, features: { n: 2 } })))).resolves.toEqual({
      written: IDS.length,
      stale: 0,
    });
    const again = await store.getMany('user', IDS);
    expect(again.map((record) => record?.features['n'])).toEqual(IDS.map(() => 2));
  });

  it('reports the cluster unavailable (ping) while a master and its replica are both gone', async () => {
    const store = await storeOn();
    await expect(store.ping()).resolves.toBeUndefined();
    const { replica, master } = await replicaAndMaster();
    process.kill(replica.pid, 'SIGKILL');
    process.kill(master.pid, 'SIGKILL');
    await eventually('ping to report the lost slots', 20_000, () => store.ping().then(() => false, () => true), 100);
    await expect(store.ping()).rejects.toMatchObject({ code: FeatureStoreErrorCode.RedisError, message: 'Redis: cluster_state:fail' });
  });

  it('fails no request: commands wait for the replica to take over, and the store recovers by itself', async () => {
    const store = await storeOn();
    await store.write('v', IDS.map((id) => ({ id, eventTime: 1, features: { n: 0 } })));
    const load = startLoad(store);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { master } = await replicaAndMaster();
    process.kill(master.pid, 'SIGKILL');
    const writesAtKill = load.writes;
    // Load goes on through the failover (2-3 s with cluster-node-timeout 1000) and after it.
    await eventually('writes to go on after the failover', 20_000, () => load.writes > writesAtKill + 50, 50);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await load.stop();

    expect(load.failures).toEqual([]);
    expect(load.worstMs).toBeGreaterThan(1_000); // the load did wait through a failover
    await expect(store.getMany('user', IDS)).resolves.toHaveLength(IDS.length);
  });

  it.each([
    ['with durability (WAIT 1 100), loses no acknowledged write', { replicas: 1, timeoutMs: 100 }],
    ['without durability, loses the writes the lagging replica missed', undefined],
  ])('when the replica lags behind its killed master: %s', async (_, durability) => {
    const store = await storeOn(durability);
    const checker = await storeOn();
    await store.write('v', IDS.map((id) => ({ id, eventTime: 1, features: { n: 0 } })));
    const { replica, master } = await replicaAndMaster();
    const load = startLoad(store);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The replica stops, and its master drops the link: the master's next writes reach no replica.
    process.kill(replica.pid, 'SIGSTOP');
    const admin = new Redis(master.port, '127.0.0.1');
    await admin.call('CLIENT', 'KILL', 'TYPE', 'replica');
    admin.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    process.kill(master.pid, 'SIGKILL');
    process.kill(replica.pid, 'SIGCONT'); // it takes over, without what it missed
    await new Promise((resolve) => setTimeout(resolve, 500));
    await load.stop();
    await servesAgain(checker);

    const lost = await lostWrites(checker, load.acked);
    if (durability) {
      expect(lost).toEqual([]);
      expect(load.failures.length).toBeGreaterThan(0); // writes the replica did not take were refused
      expect(load.failures.every((failure) => /replica\(s\) acknowledged|Redis:/.test(failure))).toBe(true);
    } else {
      expect(lost.length).toBeGreaterThan(0);
    }
  });
});
