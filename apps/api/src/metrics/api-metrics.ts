import { NEAR_CACHE_DROP_REASONS, type NearCacheStats } from '@feature-store/core';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { type HistogramSeries, SeriesHistogram } from './series-histogram';
import { workerScrape } from './worker-metrics';

/**
 * The API's Prometheus metrics, on a registry of its own (one per app instance, so that tests
 * can build several apps in one process).
 */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly requests = new SeriesHistogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route and status, with their duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly redisErrors = new Counter({
    name: 'feature_store_redis_errors_total',
    help: 'Requests that failed because Redis failed or was unreachable',
    registers: [this.registry],
  });

  readonly circuitOpen = new Gauge({
    name: 'feature_store_circuit_open',
    help: '1 while the store fails calls at once because Redis does not answer (its circuit breaker is open), else 0',
    registers: [this.registry],
  });

  readonly rows = new Counter({
    name: 'feature_store_pushed_rows_total',
    help: 'Rows received by the push API, by view and outcome (written, stale)',
    labelNames: ['view', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly entities = new Counter({
    name: 'feature_store_entities_read_total',
    help: 'Entity ids read, by entity and outcome (found, missing)',
    labelNames: ['entity', 'outcome'] as const,
    registers: [this.registry],
    // Reads add to plain numbers (see countEntities); a scrape moves them into the counter.
    collect: () => {
      for (const [entity, counts] of this.entityCounts) {
        if (counts.found > 0) this.entities.inc({ entity, outcome: 'found' }, counts.found);
        if (counts.missing > 0) this.entities.inc({ entity, outcome: 'missing' }, counts.missing);
        counts.found = 0;
        counts.missing = 0;
      }
    },
  });

  readonly invalidValues = new Counter({
    name: 'feature_store_invalid_values_total',
    help: 'Stored values a read could not serve because they do not fit their declared type, by view and feature',
    labelNames: ['view', 'feature'] as const,
    registers: [this.registry],
  });

  readonly invalidEntities = new Counter({
    name: 'feature_store_invalid_entities_total',
    help: 'Entity keys a read found holding another type than a hash, by entity',
    labelNames: ['entity'] as const,
    registers: [this.registry],
  });

  readonly redis = new SeriesHistogram({
    name: 'feature_store_redis_seconds',
    help: 'Duration of the store calls behind each request (one Redis round trip each), by operation',
    labelNames: ['operation'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });

  readonly servedAge = new SeriesHistogram({
    name: 'feature_store_served_event_age_seconds',
    help: 'Age (now - event time) of the rows served, by feature view',
    labelNames: ['view'] as const,
    buckets: [1, 10, 60, 300, 900, 3_600, 21_600, 86_400, 604_800],
    registers: [this.registry],
  });

  /** Series bound once per label set (see SeriesHistogram), found by the strings the caller holds. */
  private readonly requestSeries = new Map<string, Map<string, HistogramSeries[]>>(); // route -> method -> [status]
  private readonly ageSeries = new Map<string, HistogramSeries>();
  private readonly redisSeries = new Map<string, HistogramSeries>();
  private readonly entityCounts = new Map<string, { found: number; missing: number }>();
  // Made once, so that a lookup on the request path allocates no closure.
  private readonly newAgeSeries = (view: string) => this.servedAge.series({ view });
  private readonly newRedisSeries = (operation: string) => this.redis.series({ operation });

  /** Records one answered request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const byStatus = memo(memo(this.requestSeries, route, newMethodMap), method, newStatusList);
    byStatus[status] ??= this.requests.series({ method, route, status: String(status) });
    byStatus[status].observe(seconds);
  }

  /** Records the age of a served row of `view` at `now` (epoch ms; a read passes its one clock reading for all its rows). */
  observeEventTime(view: string, eventTimeMs: number, now = Date.now()): void {
    const series = memo(this.ageSeries, view, this.newAgeSeries);
    series.observe(Math.max(0, (now - eventTimeMs) / 1_000));
  }

  /** Counts ids read of `entity`, found or not. */
  countEntities(entity: string, found: number, missing: number): void {
    const counts = memo(this.entityCounts, entity, newCounts);
    counts.found += found;
    counts.missing += missing;
  }

  /** Counts a stored value that a read served as INVALID. */
  countInvalidValue(view: string, feature: string): void {
    this.invalidValues.inc({ view, feature });
  }

  /** Counts a key of another type than a hash that a read served as INVALID. */
  countInvalidEntity(entity: string): void {
    this.invalidEntities.inc({ entity });
  }

  /** The Prometheus text of GET /metrics. */
  readonly scrape: () => Promise<string>;

  /** @param acrossWorkers in a worker of API_WORKERS > 1: scrapes give the sum of every worker. */
  constructor({ acrossWorkers = false } = {}) {
    collectDefaultMetrics({ register: this.registry });
    this.scrape = acrossWorkers ? workerScrape(this.registry) : () => this.registry.metrics();
  }

  /**
   * Exports what the store's near-cache did (`source` is read at each scrape): hits and misses by
   * entity and lookup (the hash, or the original contract's index check), entries held,
   * invalidations received, drops by reason, and whether tracking is confirmed.
   */
  reportNearCache(source: () => NearCacheStats): void {
    const registers = [this.registry];
    // The store counts from its start; a scrape adds what it counted since the last one.
    const seen = new Map<Counter<string>, Map<string, number>>();
    const grow = (counter: Counter<string>, labels: Record<string, string>, total: number) => {
      let totals = seen.get(counter);
      if (!totals) seen.set(counter, (totals = new Map()));
      const key = JSON.stringify(labels);
      const delta = total - (totals.get(key) ?? 0);
      totals.set(key, total);
      if (delta > 0) counter.inc(labels, delta);
    };
    const hits = new Counter({
      name: 'feature_store_near_cache_hits_total',
      help: 'Lookups served from the near-cache, by entity and lookup (hash: the features; index: the original single read\'s index check)',
      labelNames: ['entity', 'lookup'] as const,
      registers,
      collect: () => {
        for (const space of source().spaces) {
          grow(hits, { entity: space.space, lookup: 'hash' }, space.hits);
          grow(hits, { entity: space.space, lookup: 'index' }, space.indexHits);
        }
      },
    });
    const misses = new Counter({
      name: 'feature_store_near_cache_misses_total',
      help: 'Lookups of near-cached entities asked of Redis (to fill the cache, or while it cannot serve), by entity and lookup',
      labelNames: ['entity', 'lookup'] as const,
      registers,
      collect: () => {
        for (const space of source().spaces) {
          grow(misses, { entity: space.space, lookup: 'hash' }, space.misses);
          grow(misses, { entity: space.space, lookup: 'index' }, space.indexMisses);
        }
      },
    });
    const entries = new Gauge({
      name: 'feature_store_near_cache_entries',
      help: 'Hashes held by the near-cache, by entity (summed over workers)',
      labelNames: ['entity'] as const,
      registers,
      collect: () => source().spaces.forEach((space) => entries.set({ entity: space.space }, space.entries)),
    });
    const invalidations: Counter = new Counter({
      name: 'feature_store_near_cache_invalidations_total',
      help: 'Keys Redis invalidated in the near-cache (written, deleted, expired or evicted by any client)',
      registers,
      collect: () => grow(invalidations, {}, source().invalidations),
    });
    const drops = new Counter({
      name: 'feature_store_near_cache_drops_total',
      help: 'Times the near-cache dropped everything, by reason (disconnect, flush, redirect, topology, error)',
      labelNames: ['reason'] as const,
      registers,
      collect: () => {
        const counts = source().drops;
        for (const reason of NEAR_CACHE_DROP_REASONS) grow(drops, { reason }, counts[reason]);
      },
    });
    for (const reason of NEAR_CACHE_DROP_REASONS) drops.inc({ reason }, 0);
    const armed: Gauge = new Gauge({
      name: 'feature_store_near_cache_armed',
      help: '1 while Redis confirms tracking for the near-cache on every server (of every worker), else 0 (reads of it go to Redis meanwhile)',
      registers,
      aggregator: 'min',
      collect: () => armed.set(source().armed ? 1 : 0),
    });
  }

  /** Runs one store call, recording its duration under `operation`, failed or not. */
  timeRedis<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const series = memo(this.redisSeries, operation, this.newRedisSeries);
    const start = performance.now();
    const stop = () => series.observe((performance.now() - start) / 1_000);
    return call().then(
      (value) => {
        stop();
        return value;
      },
      (error: unknown) => {
        stop();
        throw error;
      },
    );
  }
}

const newMethodMap = (): Map<string, HistogramSeries[]> => new Map();
const newStatusList = (): HistogramSeries[] => [];
const newCounts = () => ({ found: 0, missing: 0 });

/** The value of `key` in `map`, made by `create(key)` the first time. */
function memo<K, V>(map: Map<K, V>, key: K, create: (key: K) => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create(key);
    map.set(key, value);
  }
  return value;
}
