// The near-cache's invalidation delay, measured while a load runs: how long after a write is
// acknowledged a near-cache has dropped the entry it held of it.
import { FeatureStore, Registry, createRedisClient } from '@feature-store/core';

/** The registry the API runs on with its near-cache (the default one, with near_cache on). */
export const NEAR_CACHE_REGISTRY = 'registry/examples/near-cache.yaml';
const DEFAULT_REGISTRY = 'registry/features.yaml';
/** One write every this many ms: a few invalidations a second among the load's reads. */
const PROBE_INTERVAL_MS = 50;
/**
 * The invalidation is looked for at every turn of the event loop for this long (a busy wait: the
 * usual delay, measured finely), then every millisecond, so that a late one costs the machine
 * the load runs on little CPU.
 */
const BUSY_WAIT_MS = 1;
/** A probe whose invalidation never came (a dropped cache) is given up after this. */
const PROBE_TIMEOUT_MS = 1_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export interface InvalidationProbe {
  /** Stops probing; resolves with one delay in ms per write whose invalidation arrived. */
  stop(): Promise<number[]>;
}

/**
 * Starts probing: the library's near-cache (what every API worker runs), in this process, holds
 * one of `ids`; another client writes it; the delay is from the write's acknowledgement to the
 * cache having applied the invalidation (its invalidation count moves: nothing else writes). The
 * cache applies an invalidation as its message arrives, so the figure is Redis's delivery plus
 * the wait for a turn of this process's event loop (shared with autocannon when it runs), as it
 * would be in a worker. Past BUSY_WAIT_MS it is known to about a millisecond.
 */
export function startInvalidationProbe(redisUrl: string, ids: () => string): InvalidationProbe {
  const cachedRedis = createRedisClient(redisUrl);
  const writerRedis = createRedisClient(redisUrl);
  const cache = new FeatureStore(cachedRedis, { registry: Registry.fromFile(NEAR_CACHE_REGISTRY) });
  const writer = new FeatureStore(writerRedis, { registry: Registry.fromFile(DEFAULT_REGISTRY) });
  const invalidations = () => cache.nearCacheStats()?.invalidations ?? 0;
  const delays: number[] = [];
  let running = true;

  const probeOnce = async (id: string) => {
    await cache.get('user', id);
    await cache.get('user', id); // now held, unless the cache is not armed yet
    const before = invalidations();
    await writer.write('user_features', [{ id, eventTime: Date.now(), features: { purchase_count_30d: delays.length % 50 } }]);
    const acknowledged = performance.now();
    while (invalidations() === before) {
      const waited = performance.now() - acknowledged;
      if (waited > PROBE_TIMEOUT_MS) return;
      await (waited < BUSY_WAIT_MS ? nextTurn() : pause(1));
    }
    delays.push(performance.now() - acknowledged);
  };
  const loop = (async () => {
    while (running) {
      await probeOnce(ids());
      await pause(PROBE_INTERVAL_MS);
    }
  })();

  return {
    stop: async () => {
      running = false;
      await loop;
      await Promise.all([cachedRedis.quit(), writerRedis.quit()]);
      return delays;
    },
  };
}
