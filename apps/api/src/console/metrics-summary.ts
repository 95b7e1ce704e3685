import type { JsonSchema } from '../http/route';
import { type ApiSnapshot, type Buckets, type IngestorSnapshot, sourceKey } from './metrics-snapshot';

/** The scrapes taken at one time; a source is null where its scrape failed. */
export interface Sample {
  /** Epoch milliseconds. */
  readonly time: number;
  readonly api: ApiSnapshot | null;
  readonly ingestor: IngestorSnapshot | null;
}

/** How the last scrape of a source went: `up`, `down` (with why), or `off` (not read). */
export interface ScrapeStatus {
  readonly status: 'up' | 'down' | 'off';
  readonly detail?: string;
}

/** The last scrape of each source: the API's own metrics, and the ingestor's (INGESTOR_METRICS_URL). */
export interface Scrapes {
  readonly api: ScrapeStatus;
  readonly ingestor: ScrapeStatus;
}

/** Where rows come from: the API's push routes, or the ingestor's stream consumer, bulk loader and simulator. */
export const ROW_SOURCES = ['push', 'stream', 'load', 'simulator'] as const;
export type RowSource = (typeof ROW_SOURCES)[number];

type Series = (number | null)[];

/** GET /v1/metrics/summary. Every series has one point per entry of `times`. */
export interface SummaryBody {
  readonly sampled_every_seconds: number;
  readonly window_seconds: number;
  readonly times: readonly string[];
  readonly scrapes: Scrapes;
  readonly views: readonly {
    readonly view: string;
    readonly max_age_seconds: number | null;
    readonly served_age_p50_seconds: Series;
    readonly served_age_p99_seconds: Series;
    readonly rows_per_second: Readonly<Record<RowSource, Series>>;
  }[];
  readonly routes: readonly {
    readonly method: string;
    readonly route: string;
    readonly requests_per_second: Series;
    readonly server_errors_per_second: Series;
    readonly p99_seconds: Series;
  }[];
  readonly redis_errors_per_second: Series;
}

const SERIES: JsonSchema = { type: 'array', items: { type: ['number', 'null'] } };
const SCRAPE_STATUS: JsonSchema = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['up', 'down', 'off'] }, detail: { type: 'string', description: 'why it is down' } },
  required: ['status'],
};

export const SUMMARY_BODY: JsonSchema = {
  type: 'object',
  description:
    'Rates and percentiles of the API\'s and the ingestor\'s metrics over recent minutes. Each point is over the window_seconds ' +
    'before its time, as Prometheus\' rate() and histogram_quantile() would give it; null where nothing was observed or scraped.',
  properties: {
    sampled_every_seconds: { type: 'number' },
    window_seconds: { type: 'number', description: 'each point is a rate or a percentile over this many seconds before its time' },
    times: { type: 'array', items: { type: 'string', format: 'date-time' } },
    scrapes: {
      type: 'object',
      properties: { api: SCRAPE_STATUS, ingestor: SCRAPE_STATUS },
      required: ['api', 'ingestor'],
      description: "how the last scrape of the API's metrics and of the ingestor's (INGESTOR_METRICS_URL) went",
    },
    views: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          view: { type: 'string' },
          max_age_seconds: { type: ['number', 'null'] },
          served_age_p50_seconds: { ...SERIES, description: 'median age (now - event time) of the rows served' },
          served_age_p99_seconds: SERIES,
          rows_per_second: {
            type: 'object',
            properties: Object.fromEntries(ROW_SOURCES.map((source) => [source, SERIES])),
            required: [...ROW_SOURCES],
            description: 'rows written by source: push (the API), stream, load and simulator (the ingestor)',
          },
        },
        required: ['view', 'max_age_seconds', 'served_age_p50_seconds', 'served_age_p99_seconds', 'rows_per_second'],
      },
    },
    routes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          method: { type: 'string' },
          route: { type: 'string' },
          requests_per_second: SERIES,
          server_errors_per_second: { ...SERIES, description: 'requests answered 5xx' },
          p99_seconds: SERIES,
        },
        required: ['method', 'route', 'requests_per_second', 'server_errors_per_second', 'p99_seconds'],
      },
    },
    redis_errors_per_second: SERIES,
  },
  required: ['sampled_every_seconds', 'window_seconds', 'times', 'scrapes', 'views', 'routes', 'redis_errors_per_second'],
};

export interface SummaryOptions {
  readonly sampledEveryMs: number;
  /** Each point is over this much time before it (or since the first sample, when that is less). */
  readonly windowMs: number;
  /** Points before this time (epoch ms) are left out; their samples serve as the base of later windows. */
  readonly since: number;
  readonly views: readonly { readonly name: string; readonly maxAgeMs: number | null }[];
  readonly scrapes: Scrapes;
}

/**
 * Percentile `q` of the observations counted in cumulative `counts` under ascending `bounds`, as
 * Prometheus' histogram_quantile estimates it: linear within the bucket it falls in, from 0 for
 * the first; the highest finite bound when it falls in +Inf. Null without observations.
 */
export function histogramQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number | null {
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  const bucket = counts.findIndex((count) => count >= rank);
  const upper = bounds[bucket]!;
  if (upper === Infinity) return bounds[bucket - 1] ?? null;
  const lower = bucket === 0 ? 0 : bounds[bucket - 1]!;
  const below = bucket === 0 ? 0 : counts[bucket - 1]!;
  const inBucket = counts[bucket]! - below;
  return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
}

/** Four significant digits: what a plot shows, in a fraction of the JSON. */
const round = (value: number | null) => (value === null || !Number.isFinite(value) ? value : Number(value.toPrecision(4)));

/** What a counter gained from `from` to `to`; one that went down was reset (its process restarted). */
const increase = (from: number, to: number) => (to >= from ? to - from : to);

/** A series of one scrape: null where that scrape failed, undefined where the series had no value yet. */
type Read<T> = (sample: Sample) => T | null | undefined;
const ofApi = <T>(read: (snapshot: ApiSnapshot) => T | undefined): Read<T> => (sample) => (sample.api === null ? null : read(sample.api));
const ofIngestor = <T>(read: (snapshot: IngestorSnapshot) => T | undefined): Read<T> => (sample) =>
  sample.ingestor === null ? null : read(sample.ingestor);

/**
 * The summary of `samples` (oldest first): one point per sample after the first, each over the
 * window before it, as Prometheus' `rate(x[window])` and `histogram_quantile(q, rate(x[window]))`.
 */
export function summarize(samples: readonly Sample[], options: SummaryOptions): SummaryBody {
  const windows: [from: Sample, to: Sample][] = [];
  let from = 0;
  for (let to = 1; to < samples.length; to++) {
    const start = samples[to]!.time - options.windowMs;
    while (from < to - 1 && samples[from + 1]!.time <= start) from++;
    if (samples[to]!.time >= options.since) windows.push([samples[from]!, samples[to]!]);
  }

  const rate = (read: Read<number>): Series =>
    windows.map(([first, last]) => {
      const [before, after] = [read(first), read(last)];
      if (before === null || after === null) return null;
      return round(increase(before ?? 0, after ?? 0) / ((last.time - first.time) / 1_000));
    });
  const quantile = (q: number, read: Read<Buckets>): Series =>
    windows.map(([first, last]) => {
      const [before, after] = [read(first), read(last)];
      if (before === null || after === null || after === undefined) return null;
      const reset = before !== undefined && (before.counts.length !== after.counts.length || before.counts.some((count, i) => count > after.counts[i]!));
      const counts = before === undefined || reset ? after.counts : after.counts.map((count, i) => count - before.counts[i]!);
      return round(histogramQuantile(q, after.bounds, counts));
    });

  const routes = new Set<string>();
  for (const { api } of samples) for (const key of api?.requests.keys() ?? []) routes.add(key);
  return {
    sampled_every_seconds: options.sampledEveryMs / 1_000,
    window_seconds: options.windowMs / 1_000,
    times: windows.map(([, last]) => new Date(last.time).toISOString()),
    scrapes: options.scrapes,
    views: options.views.map(({ name, maxAgeMs }) => ({
      view: name,
      max_age_seconds: maxAgeMs === null ? null : maxAgeMs / 1_000,
      served_age_p50_seconds: quantile(0.5, ofApi((api) => api.servedAge.get(name))),
      served_age_p99_seconds: quantile(0.99, ofApi((api) => api.servedAge.get(name))),
      rows_per_second: Object.fromEntries(
        ROW_SOURCES.map((source) => [
          source,
          rate(source === 'push' ? ofApi((api) => api.pushed.get(name)) : ofIngestor((ingestor) => ingestor.written.get(sourceKey(source, name)))),
        ]),
      ) as Record<RowSource, Series>,
    })),
    routes: [...routes].sort(byRoute).map((key) => {
      const [method, route] = splitRouteKey(key);
      return {
        method,
        route,
        requests_per_second: rate(ofApi((api) => api.requests.get(key)?.counts.at(-1))),
        server_errors_per_second: rate(ofApi((api) => api.serverErrors.get(key))),
        p99_seconds: quantile(0.99, ofApi((api) => api.requests.get(key))),
      };
    }),
    redis_errors_per_second: rate(ofApi((api) => api.redisErrors)),
  };
}

function splitRouteKey(key: string): [method: string, route: string] {
  const space = key.indexOf(' ');
  return [key.slice(0, space), key.slice(space + 1)];
}

/** By route, then method. */
const byRoute = (a: string, b: string) => {
  const [methodA, routeA] = splitRouteKey(a);
  const [methodB, routeB] = splitRouteKey(b);
  return routeA === routeB ? methodA.localeCompare(methodB) : routeA.localeCompare(routeB);
};
