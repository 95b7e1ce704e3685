import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
