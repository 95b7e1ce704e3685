import { eventually } from '@feature-store/testing';
import { type TestApi, startTestApi } from '../testing/test-api';

const WRITER = 'writer-key-0123456789';
const READER = 'reader-key-0123456789';

describe('GET /v1/metrics/summary', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ INGESTOR_METRICS_URL: 'off', API_KEYS: `ingest:${WRITER}:write,model:${READER}:read` });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('summarizes what the API served: requests per route, age of the rows served, rows pushed', async () => {
    await api.store.write('user_features', [{ id: 'fresh', eventTime: Date.now() - 3_000, features: { age: 3 } }]);
    // The summary comes from samples taken every 5 s: requests keep coming until one shows them.
    const summary = async () => {
      await api.request('GET', '/features/fresh');
      await api.request('POST', '/v1/push/user_features', { rows: [{ id: 'pushed', features: { age: 4 } }] }, { 'x-api-key': WRITER });
      return (await api.request('GET', '/v1/metrics/summary')).json();
    };
    let body = await summary();
    await eventually(
      'a summary showing the reads and the push',
      20_000,
      async () => {
        body = await summary();
        const [view] = body.views;
        return view.served_age_p50_seconds.some((age: number | null) => age !== null) && view.rows_per_second.push.some((rate: number | null) => rate! > 0);
      },
      500,
    );
    expect(body).toMatchObject({ sampled_every_seconds: 5, window_seconds: 60, scrapes: { api: { status: 'up' }, ingestor: { status: 'off' } } });
    expect(body.views).toEqual([expect.objectContaining({ view: 'user_features', max_age_seconds: null })]);
    const routes = body.routes.map(({ method, route }: { method: string; route: string }) => `${method} ${route}`);
    expect(routes).toEqual(expect.arrayContaining(['GET /features/:userId', 'GET /v1/metrics/summary', 'POST /v1/push/:view']));
    const read = body.routes.find(({ route }: { route: string }) => route === '/features/:userId');
    expect(read.requests_per_second.at(-1)).toBeGreaterThan(0);
    expect(body.times).toHaveLength(read.p99_seconds.length);
    for (const time of body.times) expect(new Date(time).toISOString()).toBe(time);
  }, 30_000);

  it('is a read: with READS_REQUIRE_KEY=true it needs a key with the read scope', async () => {
    const keyed = await startTestApi({ INGESTOR_METRICS_URL: 'off', READS_REQUIRE_KEY: 'true', API_KEYS: `ingest:${WRITER}:write,model:${READER}:read` });
    try {
      const status = async (headers: Record<string, string>) => (await keyed.request('GET', '/v1/metrics/summary', undefined, headers)).statusCode;
      expect([await status({}), await status({ 'x-api-key': WRITER }), await status({ 'x-api-key': READER })]).toEqual([401, 403, 200]);
    } finally {
      await keyed.close();
    }
  });
});
