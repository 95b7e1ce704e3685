import { ROW_SOURCES, type RouteSummary, type RowSource, type Series, type ViewSummary } from '../api/api-types';

/** The last point of a series that has a value. */
export function latest(series: Series): number | null {
  for (let index = series.length - 1; index >= 0; index--) {
    const value = series[index];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/**
 * How fresh the rows a view serves are, by the latest p99 age against its max age: `stale` when
 * older (at least 1% of the rows served lately were too old to be served: OUTSIDE_MAX_AGE);
 * `unknown` when nothing was served lately; `unbounded` without a max age.
 */
export type Freshness = 'fresh' | 'stale' | 'unknown' | 'unbounded';

export function freshness(view: ViewSummary): Freshness {
  const p99 = latest(view.served_age_p99_seconds);
  if (view.max_age_seconds === null) return 'unbounded';
  if (p99 === null) return 'unknown';
  return p99 > view.max_age_seconds ? 'stale' : 'fresh';
}

/** The sources that wrote rows of a view in the period shown. */
export function activeSources(view: ViewSummary): RowSource[] {
  return ROW_SOURCES.filter((source) => view.rows_per_second[source].some((rate) => rate !== null && rate > 0));
}

/** The `count` routes with the most requests in the period shown, busiest first. */
export function busiestRoutes(routes: readonly RouteSummary[], count: number): RouteSummary[] {
  const total = (route: RouteSummary) => route.requests_per_second.reduce<number>((sum, rate) => sum + (rate ?? 0), 0);
  return [...routes]
    .filter((route) => total(route) > 0)
    .sort((a, b) => total(b) - total(a))
    .slice(0, count);
}

/** Times (ISO-8601) as the epoch seconds a plot's x axis takes. */
export function epochSeconds(times: readonly string[]): number[] {
  return times.map((time) => Date.parse(time) / 1_000);
}
