import type { RouteSummary, ViewSummary } from '../api/api-types';
import { activeSources, busiestRoutes, epochSeconds, freshness, latest } from './health-series';

const view = (maxAge: number | null, p99: (number | null)[], rows: Partial<ViewSummary['rows_per_second']> = {}): ViewSummary => ({
  view: 'v',
  max_age_seconds: maxAge,
  served_age_p50_seconds: p99.map(() => null),
  served_age_p99_seconds: p99,
  rows_per_second: { push: [], stream: [], load: [], simulator: [], ...rows },
});

const route = (name: string, rates: (number | null)[]): RouteSummary => ({
  method: 'GET',
  route: name,
  requests_per_second: rates,
  server_errors_per_second: [],
  p99_seconds: [],
});

describe('health series', () => {
  it('takes the last point that has a value', () => {
    expect(latest([1, 2, null])).toBe(2);
    expect(latest([null, null])).toBeNull();
    expect(latest([])).toBeNull();
  });

  it.each([
    ['stale: the latest p99 age is over the max age', view(60, [30, 90, null]), 'stale'],
    ['fresh: within it, whatever came before', view(60, [90, 30]), 'fresh'],
    ['unknown: nothing served lately', view(60, [null, null]), 'unknown'],
    ['unbounded: no max age', view(null, [1e6]), 'unbounded'],
  ])('a view is %s', (_, summary, expected) => {
    expect(freshness(summary)).toBe(expected);
  });

  it('lists the sources that wrote rows, in a fixed order', () => {
    expect(activeSources(view(null, [], { simulator: [0, 5], push: [null, 0.2], stream: [0, 0] }))).toEqual(['push', 'simulator']);
  });

  it('picks the busiest routes, leaving out those without requests', () => {
    const routes = [route('/a', [1, 1]), route('/b', [5, null]), route('/c', [0, null]), route('/d', [0.5, 0.5])];
    expect(busiestRoutes(routes, 2).map(({ route: name }) => name)).toEqual(['/b', '/a']);
    expect(busiestRoutes(routes, 9).map(({ route: name }) => name)).toEqual(['/b', '/a', '/d']);
  });

  it('gives a plot epoch seconds', () => {
    expect(epochSeconds(['1970-01-01T00:00:05.500Z'])).toEqual([5.5]);
  });
});
