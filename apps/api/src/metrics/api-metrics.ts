import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
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

  /** Series bound once per label set: see SeriesHistogram. */
  /** route -> method -> series by status code */
  private readonly requestSeries = new Map<string, Map<string, HistogramSeries[]>>();
  private readonly ageSeries = new Map<string, HistogramSeries>();
  private readonly redisSeries = new Map<string, HistogramSeries>();
  private readonly entityCounts = new Map<string, { found: number; missing: number }>();

  /** Records one answered request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    // Looked up by the strings Fastify already holds, without building a key per request.
    let byRoute = this.requestSeries.get(route);
    if (!byRoute) this.requestSeries.set(route, (byRoute = new Map()));
    let series = byRoute.get(method)?.[status];
    if (!series) {
      series = this.requests.series({ method, route, status: String(status) });
      let byStatus = byRoute.get(method);
      if (!byStatus) byRoute.set(method, (byStatus = []));
      byStatus[status] = series;
    }
    series.observe(seconds);
  }

  /** Records the age of a served row of `view`: pass as `onEventTime` to the store's JSON reads. */
  readonly observeEventTime = (view: string, eventTimeMs: number): void => {
    let series = this.ageSeries.get(view);
    if (!series) {
      series = this.servedAge.series({ view });
      this.ageSeries.set(view, series);
    }
    series.observe(Math.max(0, (Date.now() - eventTimeMs) / 1_000));
  };

  /** Counts ids read of `entity`, found or not. */
  countEntities(entity: string, found: number, missing: number): void {
    let counts = this.entityCounts.get(entity);
    if (!counts) {
      counts = { found: 0, missing: 0 };
      this.entityCounts.set(entity, counts);
    }
    counts.found += found;
    counts.missing += missing;
  }

  /** The Prometheus text of GET /metrics. */
  readonly scrape: () => Promise<string>;

  /** @param acrossWorkers in a worker of API_WORKERS > 1: scrapes give the sum of every worker. */
  constructor({ acrossWorkers = false } = {}) {
    collectDefaultMetrics({ register: this.registry });
    this.scrape = acrossWorkers ? workerScrape(this.registry) : () => this.registry.metrics();
  }

  /** Runs one store call, recording its duration under `operation`, failed or not. */
  timeRedis<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let series = this.redisSeries.get(operation);
    if (!series) {
      series = this.redis.series({ operation });
      this.redisSeries.set(operation, series);
    }
    const observed = series;
    const start = performance.now();
    const stop = () => observed.observe((performance.now() - start) / 1_000);
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
