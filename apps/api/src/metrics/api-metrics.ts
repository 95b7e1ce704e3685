import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { workerScrape } from './worker-metrics';

/**
 * The API's Prometheus metrics, on a registry of its own (one per app instance, so that tests
 * can build several apps in one process).
 */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly requests = new Histogram({
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
  });

  readonly redis = new Histogram({
    name: 'feature_store_redis_seconds',
    help: 'Duration of the store calls behind each request (one Redis round trip each), by operation',
    labelNames: ['operation'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });

  readonly servedAge = new Histogram({
    name: 'feature_store_served_event_age_seconds',
    help: 'Age (now - event time) of the rows served, by feature view',
    labelNames: ['view'] as const,
    buckets: [1, 10, 60, 300, 900, 3_600, 21_600, 86_400, 604_800],
    registers: [this.registry],
  });

  /**
   * Labelled children, created once per label set: observing through them skips prom-client's
   * hashing of a labels object, which would run for every request and every row served.
   */
  private readonly requestChildren = new Map<string, ReturnType<typeof this.requests.labels>>();
  private readonly ageChildren = new Map<string, ReturnType<typeof this.servedAge.labels>>();
  private readonly redisChildren = new Map<string, ReturnType<typeof this.redis.labels>>();

  /** Records one answered request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      child = this.requests.labels({ method, route, status: String(status) });
      this.requestChildren.set(key, child);
    }
    child.observe(seconds);
  }

  /** Records the age of a served row of `view`: pass as `onEventTime` to the store's JSON reads. */
  readonly observeEventTime = (view: string, eventTimeMs: number): void => {
    let child = this.ageChildren.get(view);
    if (!child) {
      child = this.servedAge.labels({ view });
      this.ageChildren.set(view, child);
    }
    child.observe(Math.max(0, (Date.now() - eventTimeMs) / 1_000));
  };

  /** The Prometheus text of GET /metrics. */
  readonly scrape: () => Promise<string>;

  /** @param acrossWorkers in a worker of API_WORKERS > 1: scrapes give the sum of every worker. */
  constructor({ acrossWorkers = false } = {}) {
    collectDefaultMetrics({ register: this.registry });
    this.scrape = acrossWorkers ? workerScrape(this.registry) : () => this.registry.metrics();
  }

  /** Runs one store call, recording its duration under `operation`, failed or not. */
  async timeRedis<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let child = this.redisChildren.get(operation);
    if (!child) {
      child = this.redis.labels({ operation });
      this.redisChildren.set(operation, child);
    }
    const stop = child.startTimer();
    try {
      return await call();
    } finally {
      stop();
    }
  }
}
