import { freePort } from '@feature-store/testing';
import { type Server, createServer } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { loadApiConfig } from '../app/api-config';
import { ApiMetrics } from '../metrics/api-metrics';
import { HISTORY_MS, MetricsSampler, SAMPLE_EVERY_MS } from './metrics-sampler';

const VIEWS = [{ name: 'user_features', maxAgeMs: null }];

/** A clock the test moves: one sample every SAMPLE_EVERY_MS. */
function clock() {
  let now = Date.parse('2026-12-01T12:00:00Z');
  return { now: () => now, tick: () => (now += SAMPLE_EVERY_MS) };
}

describe('MetricsSampler', () => {
  let server: Server;
  let url: string;
  const ingestor = new Registry();
  const rows = new Counter({ name: 'feature_store_ingested_rows_total', help: 'rows', labelNames: ['source', 'view', 'outcome'], registers: [ingestor] });

  beforeAll(async () => {
    // The ingestor's metrics endpoint as apps/ingestor serves it: GET /metrics, Prometheus text.
    server = createServer((request, response) => {
      if (request.url !== '/metrics') return void response.writeHead(404).end();
      void ingestor.metrics().then((text) => response.writeHead(200, { 'content-type': ingestor.contentType }).end(text));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("summarizes both scrapes: the API's and the ingestor's", async () => {
    const metrics = new ApiMetrics();
    const time = clock();
    const sampler = new MetricsSampler({ scrapeApi: metrics.scrape, ingestorUrl: url, views: VIEWS, now: time.now });
    await sampler.sample();
    rows.inc({ source: 'stream', view: 'user_features', outcome: 'written' }, 50);
    metrics.rows.inc({ view: 'user_features', outcome: 'written' }, 10);
    time.tick();
    await sampler.sample();
    const summary = sampler.summary();
    expect(summary.scrapes).toEqual({ api: { status: 'up' }, ingestor: { status: 'up' } });
    expect(summary.views[0]!.rows_per_second).toMatchObject({ stream: [10], push: [2], simulator: [0] });
  });

  it('says why the ingestor is down, and reads nothing of it when off', async () => {
    const metrics = new ApiMetrics();
    const down = new MetricsSampler({ scrapeApi: metrics.scrape, ingestorUrl: `http://127.0.0.1:${await freePort()}/metrics`, views: VIEWS });
    const off = new MetricsSampler({ scrapeApi: metrics.scrape, ingestorUrl: null, views: VIEWS });
    await Promise.all([down.sample(), off.sample()]);
    expect(down.summary().scrapes.ingestor).toEqual({ status: 'down', detail: expect.stringMatching(/ECONNREFUSED/) });
    expect(off.summary().scrapes.ingestor).toEqual({ status: 'off' });
  });

  it("says why the API's own scrape failed", async () => {
    const sampler = new MetricsSampler({ scrapeApi: () => Promise.reject(new Error('no answer from the primary')), ingestorUrl: null, views: VIEWS });
    await sampler.sample();
    expect(sampler.summary().scrapes.api).toEqual({ status: 'down', detail: 'no answer from the primary' });
  });

  it('keeps HISTORY_MS of points, however long it runs, and computes a summary once per sample', async () => {
    const time = clock();
    const sampler = new MetricsSampler({ scrapeApi: new ApiMetrics().scrape, ingestorUrl: null, views: VIEWS, now: time.now });
    for (let sample = 0; sample < 400; sample++, time.tick()) await sampler.sample();
    const summary = sampler.summary();
    expect(summary.times).toHaveLength(HISTORY_MS / SAMPLE_EVERY_MS + 1);
    expect(sampler.summary()).toBe(summary);
  });

  it('takes one sample at a time: a call while one is under way waits for that one', async () => {
    let scrapes = 0;
    const metrics = new ApiMetrics();
    const sampler = new MetricsSampler({ scrapeApi: () => (scrapes++, metrics.scrape()), ingestorUrl: null, views: VIEWS });
    await Promise.all([sampler.sample(), sampler.sample(), sampler.sample()]);
    expect(scrapes).toBe(1);
  });
});

describe('INGESTOR_METRICS_URL', () => {
  it.each([
    [{}, 'http://127.0.0.1:9464/metrics'],
    [{ INGESTOR_METRICS_URL: 'off' }, 'off'],
    [{ INGESTOR_METRICS_URL: 'http://ingestor:9464/metrics' }, 'http://ingestor:9464/metrics'],
  ])('%j reads the ingestor at %s', (env, url) => {
    expect(loadApiConfig(env).INGESTOR_METRICS_URL).toBe(url);
  });

  it.each(['redis://127.0.0.1:6379', 'not a url', 'OFF'])('refuses %s, naming the variable', (value) => {
    expect(() => loadApiConfig({ INGESTOR_METRICS_URL: value })).toThrow(/INGESTOR_METRICS_URL: expected off or an http\(s\) URL/);
  });
});
