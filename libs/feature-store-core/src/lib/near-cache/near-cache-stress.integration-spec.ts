import { type TestRedis, eventually, spawnRedisCluster, spawnRedisServer } from '@feature-store/testing';
import { Redis } from 'ioredis';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import type { FeatureRows } from '../read/feature-rows';
import { Registry } from '../registry/registry';
import { FeatureStore } from '../store/feature-store';

/**
 * Writers and readers on the same keys for a while, on a Redis of the test's own (a server under
 * `integration`; a 3 x 1 cluster under `integration-cluster`, whose target sets
 * REDIS_CLUSTER_NODES), while the near-cache's tracking and invalidation connections are killed
 * and Redis is flushed. No read may return a value older than a write that was acknowledged, and
 * whose invalidation was waited for (`syncNearCache`), before the read began; once the writers
 * stop and the last invalidations are in, every key read through the cache is what Redis holds.
 * The cache holds fewer entries than there are keys, so it evicts all along.
 */

const IDS = Array.from({ length: 64 }, (_, n) => `k${n}`);
const view = (nearCache: boolean) => ({
  entity: 'user',
  ...(nearCache ? { near_cache: { max_entries: 48 } } : {}),
  features: { n: 'int', tag: 'string' },
});
const registry = Registry.fromObject({ entities: { user: {} }, views: { v: view(true) } });
const uncached = Registry.fromObject({ entities: { user: {} }, views: { v: view(false) } });

const RUN_MS = 8_000;
const FAULT_INTERVAL_MS = 400;
const FAULTS = ['kill tracking', 'kill invalidations', 'flush'] as const;

const onCluster = Boolean(process.env['REDIS_CLUSTER_NODES']);
const yieldToTimers = () => new Promise((resolve) => setImmediate(resolve));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = () => IDS[Math.floor(Math.random() * IDS.length)]!;

/** What the writers know: per id, the newest event time acknowledged and synced since the last flush. */
class Ledger {
  readonly synced = new Map<string, number>();
  /** Moves at each flush; a write or read that saw it move spans a flush and proves nothing. */
  flushes = 0;
  flushing = false;

  /** A snapshot to judge an operation by once it ends; undefined during a flush. */
  begin(): number | undefined {
    return this.flushing ? undefined : this.flushes;
  }

  /** Whether an operation begun at `begin()` ran between two flushes. */
  clean(begun: number | undefined): boolean {
    return begun === this.flushes && !this.flushing;
  }
}

describe(`NearCache under stress (${onCluster ? 'a private cluster' : 'a private server'})`, () => {
  let server: TestRedis;
  let masters: Redis[];
  let redis: RedisClient;
  let otherRedis: RedisClient;

  beforeAll(async () => {
    if (onCluster) {
      const cluster = await spawnRedisCluster();
      server = cluster;
      masters = cluster.nodes.filter((node) => node.role === 'master').map((node) => new Redis(node.port, '127.0.0.1'));
    } else {
      const single = await spawnRedisServer();
      server = single;
      masters = [new Redis(single.url)];
    }
    redis = createRedisClient(server.target);
    otherRedis = createRedisClient(server.target);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([redis.quit(), otherRedis.quit(), ...masters.map((master) => master.quit())]);
    await server.stop();
  }, 30_000);

  it('serves no read older than an acknowledged and synced write, and ends equal to Redis', async () => {
    const store = new FeatureStore(redis, { registry });
    const other = new FeatureStore(otherRedis, { registry: uncached });
    const stats = () => store.nearCacheStats()!;
    const ledger = new Ledger();
    const stale: string[] = [];
    const failures: string[] = [];
    let clock = 0;
    let running = true;
    let reads = 0;
    let kills = 0;

    await store.write('v', IDS.map((id) => ({ id, eventTime: ++clock, features: { n: clock, tag: `t${clock}` } })));
    await store.getMany('user', IDS);
    await eventually('tracking confirmed', 20_000, () => stats().armed);

    /** Judges one row read: its fields from one write, not older than what was synced before the read. */
    const judge = (what: string, id: string, n: unknown, tag: unknown, floor: number | undefined, begun: number | undefined) => {
      if (n !== null && tag !== undefined && tag !== `t${String(n)}`) stale.push(`${what} ${id}: n ${String(n)} with tag ${String(tag)}`);
      if (floor === undefined || !ledger.clean(begun)) return;
      if (n === null || (n as number) < floor) stale.push(`${what} ${id}: ${String(n)}, written and synced before: ${floor}`);
    };
    const attempt = async (what: string, call: () => Promise<void>) => {
      try {
        await call();
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message}`);
      }
    };

    // The cached store writes (its own writes come back as invalidations too), and so does a client of its own.
    const writer = (target: FeatureStore) => async () => {
      while (running) {
        const ids = [...new Set([pick(), pick(), pick()])];
        const begun = ledger.begin();
        const rows = ids.map((id) => ({ id, eventTime: ++clock, features: { n: clock, tag: `t${clock}` } }));
        await attempt('write', async () => {
          await target.write('v', rows);
          await store.syncNearCache();
          if (!ledger.clean(begun)) return;
          for (const row of rows) ledger.synced.set(row.id, Math.max(ledger.synced.get(row.id) ?? 0, row.eventTime));
        });
        await yieldToTimers();
      }
    };

    const readers: Record<string, () => Promise<void>> = {
      single: async () => {
        const id = pick();
        const [floor, begun] = [ledger.synced.get(id), ledger.begin()];
        const record = await store.get('user', id);
        judge('get', id, record?.features['n'] ?? null, record?.features['tag'] ?? null, floor, begun);
      },
      batch: async () => {
        const ids = Array.from({ length: 8 }, pick);
        const floors = ids.map((id) => ledger.synced.get(id));
        const begun = ledger.begin();
        const records = await store.getMany('user', ids);
        records.forEach((record, at) => judge('getMany', ids[at]!, record?.features['n'] ?? null, record?.features['tag'] ?? null, floors[at], begun));
      },
      indexed: async () => {
        const id = pick();
        const [floor, begun] = [ledger.synced.get(id), ledger.begin()];
        const rows = await store.read({ entity: 'user', ids: [id], indexedOnly: true });
        judge('indexed read', id, rows.found(0) ? rows.value(0, 0) : null, rows.found(0) ? rows.value(0, 1) : null, floor, begun);
      },
      projection: async () => {
        const id = pick();
        const [floor, begun] = [ledger.synced.get(id), ledger.begin()];
        const record = await store.get('user', id, { features: ['n'] });
        judge('projection', id, record?.features['n'] ?? null, undefined, floor, begun);
      },
      features: async () => {
        const ids = [pick(), pick(), pick()];
        const floors = ids.map((id) => ledger.synced.get(id));
        const begun = ledger.begin();
        const rows: FeatureRows = await store.read({ rows: ids.map((id) => ({ user_id: id })), features: ['v:tag', 'v:n'] });
        ids.forEach((id, row) => judge('feature read', id, rows.value(row, 1), rows.value(row, 0), floors[row], begun));
      },
    };
    const reader = async () => {
      const kinds = Object.entries(readers);
      while (running) {
        const [what, read] = kinds[Math.floor(Math.random() * kinds.length)]!;
        await attempt(what, read);
        reads += 1;
        await yieldToTimers();
      }
    };

    const kill = async (suffix: string) => {
      for (const master of masters) {
        const lines = String(await master.client('LIST')).split('\n').filter((line) => line.includes(` name=feature-store${suffix} `));
        for (const line of lines) await master.client('KILL', 'ID', /id=(\d+)/.exec(line)![1]!);
      }
    };
    const flush = async () => {
      ledger.flushing = true;
      ledger.flushes += 1;
      await Promise.all(masters.map((master) => master.flushall()));
      await store.syncNearCache();
      ledger.synced.clear();
      ledger.flushing = false;
    };
    const faults = async () => {
      const started = Date.now();
      for (let at = 0; Date.now() - started < RUN_MS; at++) {
        await pause(FAULT_INTERVAL_MS);
        // Each fault hits an armed cache, so that each one is a drop to see in the stats.
        await eventually('tracking confirmed again', 20_000, () => stats().armed);
        const fault = FAULTS[at % FAULTS.length]!;
        if (fault === 'flush') await flush();
        else {
          await kill(fault === 'kill tracking' ? ':near-cache' : ':near-cache-invalidations');
          kills += 1;
        }
      }
    };

    const load = [writer(store)(), writer(other)(), reader(), reader(), reader()];
    await faults();
    running = false;
    await Promise.all(load);

    await store.syncNearCache();
    await eventually('tracking confirmed at the end', 20_000, () => stats().armed);
    const truth = await other.getMany('user', IDS);
    for (let pass = 0; pass < 2; pass++) {
      await expect(store.getMany('user', IDS)).resolves.toEqual(truth);
      for (const id of IDS) await expect(store.get('user', id)).resolves.toEqual(truth[IDS.indexOf(id)]);
    }

    expect(failures).toEqual([]);
    expect(stale).toEqual([]);
    const { spaces, invalidations, drops } = stats();
    expect(reads).toBeGreaterThan(0);
    expect(spaces[0]!.hits).toBeGreaterThan(0);
    expect(invalidations).toBeGreaterThan(0);
    expect(drops.flush).toBeGreaterThan(0);
    // Each kill hit an armed cache: its drop is counted as the closed connection, or as the failed
    // read or sync that met it first.
    expect(drops.disconnect + drops.error).toBeGreaterThanOrEqual(kills);
  }, 120_000);
});
