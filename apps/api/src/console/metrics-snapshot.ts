import { type PromSample, parsePrometheusText, promNumber } from './prometheus-text';

/** A histogram as scraped: ascending upper bounds (the last is +Inf) and cumulative counts. */
export interface Buckets {
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
}

/** What a summary needs of one scrape of the API's GET /metrics (every worker's, summed). */
export interface ApiSnapshot {
  /** Request durations by `"<method> <route>"`, every status together. */
  readonly requests: ReadonlyMap<string, Buckets>;
  /** Requests answered 5xx, by `"<method> <route>"`. */
  readonly serverErrors: ReadonlyMap<string, number>;
  /** Age of the rows served, by view. */
  readonly servedAge: ReadonlyMap<string, Buckets>;
  /** Rows written by the push routes, by view. */
  readonly pushed: ReadonlyMap<string, number>;
  readonly redisErrors: number;
}

/** What a summary needs of one scrape of the ingestor's GET /metrics. */
export interface IngestorSnapshot {
  /** Rows written, by `"<source> <view>"` (sources: simulator, stream, load). */
  readonly written: ReadonlyMap<string, number>;
}

const REQUESTS = 'http_request_duration_seconds';
const SERVED_AGE = 'feature_store_served_event_age_seconds';
const PUSHED = 'feature_store_pushed_rows_total';
const REDIS_ERRORS = 'feature_store_redis_errors_total';
const INGESTED = 'feature_store_ingested_rows_total';

const API_NAMES = new Set([`${REQUESTS}_bucket`, `${REQUESTS}_count`, `${SERVED_AGE}_bucket`, PUSHED, REDIS_ERRORS]);
const INGESTOR_NAMES = new Set([INGESTED]);

/** The request series' key: method and route (neither holds a space). */
export const routeKey = (method: string, route: string) => `${method} ${route}`;
/** The ingestor series' key: source and view. */
export const sourceKey = (source: string, view: string) => `${source} ${view}`;

/** @throws Error naming the line of the scrape that does not parse */
export function apiSnapshot(text: string): ApiSnapshot {
  const samples = parsePrometheusText(text, API_NAMES);
  const route = ({ method, route }: Record<string, string>) => (method === undefined || route === undefined ? null : routeKey(method, route));
  const serverError = (labels: Record<string, string>) => (Number(labels['status']) >= 500 ? route(labels) : null);
  return {
    requests: histograms(samples, `${REQUESTS}_bucket`, route),
    serverErrors: sums(samples, `${REQUESTS}_count`, serverError),
    servedAge: histograms(samples, `${SERVED_AGE}_bucket`, ({ view }) => view ?? null),
    pushed: sums(samples, PUSHED, ({ view, outcome }) => (outcome === 'written' ? (view ?? null) : null)),
    redisErrors: sums(samples, REDIS_ERRORS, () => '').get('') ?? 0,
  };
}

/** @throws Error naming the line of the scrape that does not parse */
export function ingestorSnapshot(text: string): IngestorSnapshot {
  const samples = parsePrometheusText(text, INGESTOR_NAMES);
  const written = ({ source, view, outcome }: Record<string, string>) =>
    outcome === 'written' && source !== undefined && view !== undefined ? sourceKey(source, view) : null;
  return { written: sums(samples, INGESTED, written) };
}

/** The values of the samples named `name`, summed by key; `keyOf` null leaves a sample out. */
function sums(samples: readonly PromSample[], name: string, keyOf: (labels: Record<string, string>) => string | null): Map<string, number> {
  const totals = new Map<string, number>();
  for (const sample of samples) {
    const key = sample.name === name ? keyOf(sample.labels) : null;
    if (key !== null) totals.set(key, (totals.get(key) ?? 0) + sample.value);
  }
  return totals;
}

/** The histograms of the `_bucket` samples named `name`, summed by key (over the labels it drops). */
function histograms(
  samples: readonly PromSample[],
  name: string,
  keyOf: (labels: Record<string, string>) => string | null,
): Map<string, Buckets> {
  const byKey = new Map<string, Map<number, number>>();
  for (const sample of samples) {
    const key = sample.name === name ? keyOf(sample.labels) : null;
    const bound = promNumber(sample.labels['le'] ?? '');
    if (key === null || Number.isNaN(bound)) continue;
    let buckets = byKey.get(key);
    if (!buckets) byKey.set(key, (buckets = new Map()));
    buckets.set(bound, (buckets.get(bound) ?? 0) + sample.value);
  }
  return new Map(
    [...byKey].map(([key, buckets]) => {
      const bounds = [...buckets.keys()].sort((a, b) => a - b);
      return [key, { bounds, counts: bounds.map((bound) => buckets.get(bound) ?? 0) }];
    }),
  );
}
