import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { parsePrometheusText, promNumber } from './prometheus-text';

const NAMES = new Set(['demo_total', 'demo_seconds_bucket', 'demo_seconds_sum', 'demo_seconds_count']);

describe('parsePrometheusText', () => {
  it('reads what prom-client writes, for any label values and observations', async () => {
    // Label values with the characters the format escapes (\ " newline), and any other.
    const labelValue = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('\\', '"', '\n', 'a"b\\c\nd', '{}', ',', '=', ' '));
    const observation = fc.tuple(labelValue, labelValue, fc.double({ min: 0, max: 20, noNaN: true }));
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 20 }), async (observations) => {
        const registry = new Registry();
        const counter = new Counter({ name: 'demo_total', help: 'a counter', labelNames: ['route', 'view'], registers: [registry] });
        const histogram = new Histogram({ name: 'demo_seconds', help: 'a "histogram"', labelNames: ['route'], buckets: [0.5, 1, 10], registers: [registry] });
        new Counter({ name: 'other_total', help: 'not asked for', registers: [registry] }).inc(3);
        for (const [route, view, value] of observations) {
          counter.inc({ route, view }, value);
          histogram.observe({ route }, value);
        }
        const expected = (await registry.getMetricsAsJSON())
          .filter(({ name }) => name.startsWith('demo_'))
          .flatMap(({ name, values }) =>
            values.map((value) => ({
              name: (value as { metricName?: string }).metricName ?? name,
              labels: Object.fromEntries(Object.entries(value.labels).map(([label, text]) => [label, String(text)])),
              value: value.value,
            })),
          );
        const parsed = parsePrometheusText(await registry.metrics(), NAMES);
        const order = (sample: { name: string; labels: Record<string, string> }) => JSON.stringify([sample.name, sample.labels]);
        const sorted = <T extends { name: string; labels: Record<string, string> }>(list: T[]) =>
          [...list].sort((a, b) => order(a).localeCompare(order(b)));
        expect(sorted(parsed)).toEqual(sorted(expected));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a sample without labels', 'demo_total 3', [{ name: 'demo_total', labels: {}, value: 3 }]],
    ['a timestamp after the value', 'demo_total{a="b"} 2 1700000000000', [{ name: 'demo_total', labels: { a: 'b' }, value: 2 }]],
    ['+Inf buckets', 'demo_seconds_bucket{le="+Inf"} 4', [{ name: 'demo_seconds_bucket', labels: { le: '+Inf' }, value: 4 }]],
    ['NaN', 'demo_total NaN', [{ name: 'demo_total', labels: {}, value: NaN }]],
    ['a trailing comma in the labels', 'demo_total{a="1",} 1', [{ name: 'demo_total', labels: { a: '1' }, value: 1 }]],
    ['comments, blank lines and other families', '# HELP demo_total x\n# TYPE demo_total counter\n\nother 1\ndemo_total 5\n', [{ name: 'demo_total', labels: {}, value: 5 }]],
    ['a name that only starts like one asked for', 'demo_total_extra 1', []],
  ])('reads %s', (_, text, samples) => {
    expect(parsePrometheusText(text, NAMES)).toEqual(samples);
  });

  it.each([
    ['no value', 'demo_total{a="b"}'],
    ['a value that is no number', 'demo_total abc'],
    ['an unterminated label value', 'demo_total{a="b} 1'],
    ['an unknown escape', 'demo_total{a="\\t"} 1'],
    ['a label without a quoted value', 'demo_total{a=b} 1'],
  ])('refuses %s, naming the line', (_, text) => {
    expect(() => parsePrometheusText(`# first\n${text}`, NAMES)).toThrow(/^line 2: not a sample/);
  });

  it('reads the numbers of the format', () => {
    expect([promNumber('+Inf'), promNumber('-Inf'), promNumber('1e-3'), promNumber('')]).toEqual([Infinity, -Infinity, 0.001, NaN]);
  });
});
