import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { SeriesHistogram } from './series-histogram';

const config = {
  name: 'demo_seconds',
  help: 'A demo histogram',
  labelNames: ['route', 'status'] as const,
  buckets: [0.001, 0.01, 0.1, 1],
};

/** prom-client's own histogram and a SeriesHistogram, fed the same observations. */
function both(observations: [route: string, status: string, value: number][]) {
  const reference = new Registry();
  const subject = new Registry();
  const promClient = new Histogram({ ...config, registers: [reference] });
  const series = new SeriesHistogram({ ...config, registers: [subject] });
  for (const [route, status, value] of observations) {
    promClient.labels({ route, status }).observe(value);
    series.series({ route, status }).observe(value);
  }
  return { reference, subject, series };
}

const OBSERVATIONS: [string, string, number][] = [
  ['/a', '200', 0.0005],
  ['/a', '200', 0.001], // on a bound: counted in that bucket (le is "less or equal")
  ['/a', '200', 0.05],
  ['/a', '404', 3],
  ['/b', '200', 0.2],
  ['/a', '200', 0],
];

describe('SeriesHistogram', () => {
  it('scrapes as the same text as prom-client', async () => {
    const { reference, subject } = both(OBSERVATIONS);
    expect(await subject.metrics()).toBe(await reference.metrics());
  });

  it('gives the same JSON, so workers aggregate alike', async () => {
    const first = both(OBSERVATIONS);
    const second = both(OBSERVATIONS.slice(2));
    expect(await first.subject.getMetricsAsJSON()).toEqual(await first.reference.getMetricsAsJSON());
    const sum = (registries: Registry[]) => Promise.all(registries.map((registry) => registry.getMetricsAsJSON()));
    const aggregated = AggregatorRegistry.aggregate(await sum([first.subject, second.subject]));
    const expected = AggregatorRegistry.aggregate(await sum([first.reference, second.reference]));
    expect(await aggregated.metrics()).toBe(await expected.metrics());
  });

  it('binds a label set once: series of equal labels share their counts; reset empties them', async () => {
    const { subject, series } = both([]);
    series.series({ route: '/a', status: '200' }).observe(0.5);
    series.series({ route: '/a', status: '200' }).observe(0.5);
    expect(await subject.metrics()).toContain('demo_seconds_count{route="/a",status="200"} 2');
    series.reset();
    expect(await subject.metrics()).not.toContain('demo_seconds_count');
  });
});
