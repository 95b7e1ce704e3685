import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fastJson from 'fast-json-stringify';
import { Counter, Registry } from 'prom-client';
import { ApiMetrics } from '../metrics/api-metrics';
import { apiSnapshot, ingestorSnapshot } from './metrics-snapshot';
import { SUMMARY_BODY, type Sample, type SummaryOptions, histogramQuantile, summarize } from './metrics-summary';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const OPTIONS: SummaryOptions = {
  sampledEveryMs: 5_000,
  windowMs: 60_000,
  since: 0,
  views: [
    { name: 'user_features', maxAgeMs: 60_000 },
    { name: 'quiet_view', maxAgeMs: null },
  ],
  scrapes: { api: { status: 'up' }, ingestor: { status: 'up' } },
};

/** The ingestor's row counter, as apps/ingestor declares it. */
function ingestorRegistry() {
  const registry = new Registry();
  const rows = new Counter({ name: 'feature_store_ingested_rows_total', help: 'rows', labelNames: ['source', 'view', 'outcome'], registers: [registry] });
  return { registry, rows };
}

describe('histogramQuantile', () => {
  const bounds = [1, 10, 60, Infinity];
  it.each([
    ['the middle of a bucket, linearly', 0.5, [0, 10, 10, 10], 5.5],
    ['near the top of a bucket', 0.99, [0, 10, 10, 10], 9.91],
    ['the first bucket, from 0', 0.5, [4, 4, 4, 4], 0.5],
    ['a bucket above empty ones, from the bound below it', 0.5, [0, 0, 4, 4], 35],
    ['the rank reached exactly at a bound: that bucket', 0.5, [2, 2, 2, 4], 1],
    ['the +Inf bucket: the highest finite bound', 0.99, [0, 0, 1, 5], 60],
    ['no observations: none', 0.5, [0, 0, 0, 0], null],
  ])('%s', (_, q, counts, expected) => {
    const value = histogramQuantile(q, bounds, counts);
    if (expected === null) expect(value).toBeNull();
    else expect(value).toBeCloseTo(expected, 9);
  });
});

describe('apiSnapshot', () => {
  it("reads the API's own scrape: requests by route over every status, 5xx, served ages, pushed rows, Redis errors", async () => {
    const metrics = new ApiMetrics();
    metrics.observeRequest('GET', '/features/:userId', 200, 0.002);
    metrics.observeRequest('GET', '/features/:userId', 404, 0.0004);
    metrics.observeRequest('GET', '/features/:userId', 503, 0.2);
    metrics.observeRequest('POST', '/v1/features', 200, 0.003);
    metrics.observeEventTime('user_features', Date.now() - 30_000);
    metrics.rows.inc({ view: 'user_features', outcome: 'written' }, 7);
    metrics.rows.inc({ view: 'user_features', outcome: 'stale' }, 2);
    metrics.redisErrors.inc(3);
    const snapshot = apiSnapshot(await metrics.scrape());
    expect(snapshot.requests.get('GET /features/:userId')?.counts.at(-1)).toBe(3);
    expect(snapshot.requests.get('POST /v1/features')?.counts.at(-1)).toBe(1);
    expect(snapshot.requests.get('GET /features/:userId')?.bounds).toEqual([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, Infinity]);
    expect(Object.fromEntries(snapshot.serverErrors)).toEqual({ 'GET /features/:userId': 1 });
    expect(snapshot.servedAge.get('user_features')?.counts).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Object.fromEntries(snapshot.pushed)).toEqual({ user_features: 7 });
    expect(snapshot.redisErrors).toBe(3);
  });

  it("reads the ingestor's rows written, by source and view", async () => {
    const { registry, rows } = ingestorRegistry();
    rows.inc({ source: 'stream', view: 'user_features', outcome: 'written' }, 5);
    rows.inc({ source: 'stream', view: 'user_features', outcome: 'stale' }, 9);
    rows.inc({ source: 'simulator', view: 'user_features', outcome: 'written' }, 500);
    expect(Object.fromEntries(ingestorSnapshot(await registry.metrics()).written)).toEqual({
      'stream user_features': 5,
      'simulator user_features': 500,
    });
  });
});

describe('summarize', () => {
  /** Samples every 5 s of a real ApiMetrics and an ingestor registry, changed by `step` before each. */
  async function run(count: number, step: (index: number, metrics: ApiMetrics, rows: Counter) => void): Promise<Sample[]> {
    const metrics = new ApiMetrics();
    const ingestor = ingestorRegistry();
    const samples: Sample[] = [];
    for (let index = 0; index < count; index++) {
      step(index, metrics, ingestor.rows);
      samples.push({
        time: T0 + index * 5_000,
        api: apiSnapshot(await metrics.scrape()),
        ingestor: ingestorSnapshot(await ingestor.registry.metrics()),
      });
    }
    return samples;
  }

  it('gives rates per second over the window before each point, per route and per view and source', async () => {
    const samples = await run(20, (index, metrics, rows) => {
      if (index === 0) return;
      for (let request = 0; request < 10; request++) metrics.observeRequest('GET', '/features/:userId', 200, 0.002);
      metrics.observeRequest('GET', '/features/:userId', 503, 0.2);
      metrics.rows.inc({ view: 'user_features', outcome: 'written' }, 5);
      rows.inc({ source: 'simulator', view: 'user_features', outcome: 'written' }, 50);
      metrics.redisErrors.inc();
    });
    const body = summarize(samples, OPTIONS);
    expect(body.times).toHaveLength(19);
    expect(body.times[0]).toBe('2026-12-01T12:00:05.000Z');
    const [route] = body.routes;
    expect(route).toMatchObject({ method: 'GET', route: '/features/:userId' });
    // 11 requests every 5 s, 1 of them a 503: the same rate whatever the window's length.
    expect(route!.requests_per_second.every((rate) => rate === 2.2)).toBe(true);
    expect(route!.server_errors_per_second.every((rate) => rate === 0.2)).toBe(true);
    expect(route!.p99_seconds.at(-1)).toBeGreaterThan(0.1);
    const [view, quiet] = body.views;
    expect(view!.rows_per_second.push.at(-1)).toBe(1);
    expect(view!.rows_per_second.simulator.at(-1)).toBe(10);
    expect(view!.rows_per_second.stream.at(-1)).toBe(0);
    expect(view!.max_age_seconds).toBe(60);
    expect(quiet).toMatchObject({ view: 'quiet_view', max_age_seconds: null });
    expect(quiet!.served_age_p50_seconds.every((age) => age === null)).toBe(true);
    expect(body.redis_errors_per_second.at(-1)).toBe(0.2);
  });

  it('takes each point over the window only: what happened before it leaves the point', async () => {
    // A burst of 120 requests between the first two samples, then nothing for 95 s.
    const samples = await run(20, (index, metrics) => {
      if (index === 1) for (let request = 0; request < 120; request++) metrics.observeRequest('GET', '/health', 200, 0.001);
    });
    const rates = summarize(samples, OPTIONS).routes[0]!.requests_per_second;
    expect(rates[0]).toBe(24); // 120 over the 5 s since the first sample
    expect(rates[11]).toBe(2); // the 60 s window from the first sample
    expect(rates[12]).toBe(0); // the window from the second sample on
    expect(rates.at(-1)).toBe(0);
  });

  it('estimates the age percentiles of the rows served in each window', async () => {
    const samples = await run(3, (index, metrics) => {
      const ageMs = index === 1 ? 5_000 : 120_000;
      for (let row = 0; row < 100; row++) metrics.observeEventTime('user_features', Date.now() - ageMs);
    });
    const view = summarize(samples, { ...OPTIONS, windowMs: 5_000 }).views[0]!;
    // Buckets 1, 10, 60, 300 s: 5 s ages fall in (1, 10], 120 s ages in (60, 300].
    expect(view.served_age_p50_seconds).toEqual([5.5, 180]);
    expect(view.served_age_p99_seconds).toEqual([9.91, 297.6]);
  });

  it('leaves a gap where a scrape failed, and takes a counter that went down as restarted', async () => {
    const samples = await run(4, (index, _, rows) => rows.inc({ source: 'stream', view: 'user_features', outcome: 'written' }, 10 * (index + 1)));
    const restarted = ingestorRegistry();
    restarted.rows.inc({ source: 'stream', view: 'user_features', outcome: 'written' }, 15);
    const withRestart: Sample[] = [
      samples[0]!,
      { ...samples[1]!, ingestor: null },
      samples[2]!,
      { ...samples[3]!, ingestor: ingestorSnapshot(await restarted.registry.metrics()) },
    ];
    const stream = summarize(withRestart, { ...OPTIONS, windowMs: 5_000 }).views[0]!.rows_per_second.stream;
    expect(stream).toEqual([null, null, 3]);
  });

  it('leaves out points before `since`, which still serve as the base of later windows', async () => {
    const samples = await run(5, (_, metrics) => metrics.observeRequest('GET', '/health', 200, 0.001));
    const body = summarize(samples, { ...OPTIONS, since: T0 + 15_000 });
    expect(body.times).toEqual(['2026-12-01T12:00:15.000Z', '2026-12-01T12:00:20.000Z']);
    expect(body.routes[0]!.requests_per_second).toEqual([0.2, 0.2]);
  });

  it('lists routes by path, then method', async () => {
    const samples = await run(2, (_, metrics) => {
      metrics.observeRequest('POST', '/v1/features', 200, 0.001);
      metrics.observeRequest('GET', '/health', 200, 0.001);
      metrics.observeRequest('GET', '/v1/features', 404, 0.001);
    });
    expect(summarize(samples, OPTIONS).routes.map(({ method, route }) => `${method} ${route}`)).toEqual([
      'GET /health',
      'GET /v1/features',
      'POST /v1/features',
    ]);
  });

  it('is written whole by its schema (fast-json-stringify writes only what it lists), and valid by it', async () => {
    const metrics = new ApiMetrics();
    const first = apiSnapshot(await metrics.scrape());
    metrics.observeRequest('GET', '/health', 200, 0.001);
    metrics.observeEventTime('user_features', Date.now() - 3_000);
    const body = summarize(
      [
        { time: 0, api: first, ingestor: null },
        { time: 5_000, api: apiSnapshot(await metrics.scrape()), ingestor: null },
      ],
      {
        sampledEveryMs: 5_000,
        windowMs: 60_000,
        since: 0,
        views: [{ name: 'user_features', maxAgeMs: null }],
        scrapes: { api: { status: 'up' }, ingestor: { status: 'down', detail: 'connect ECONNREFUSED 127.0.0.1:9464' } },
      },
    );
    expect(JSON.parse(fastJson(SUMMARY_BODY as object as Parameters<typeof fastJson>[0])(body))).toEqual(body);
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    expect(ajv.validate(SUMMARY_BODY, body) ? [] : ajv.errors).toEqual([]);
  });
});
