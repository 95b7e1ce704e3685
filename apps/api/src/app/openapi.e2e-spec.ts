import { ROUTE_SOURCES } from './app.module';
import { type TestApi, startTestApi } from '../testing/test-api';

describe('OpenAPI document and /metrics', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  it('documents every route the API serves', async () => {
    const document = (await api.request('GET', '/docs/openapi.json')).json();
    const documented = new Set(
      Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    // Every route the API declares (each route source's list), each served by Fastify.
    const fastify = api.app.getHttpAdapter().getInstance();
    const declared = ROUTE_SOURCES.flatMap((source) => api.app.get(source).routes());
    expect(declared.filter(({ method, url }) => !fastify.hasRoute({ method, url }))).toEqual([]);
    const served = declared.map(({ method, url }) => `${method} ${url}`.replace(/:(\w+)/g, '{$1}'));
    expect(served.sort()).toEqual([
      'GET /features/{userId}',
      'GET /health',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /v1/features/{entity}/{id}',
      'GET /v1/metrics/summary',
      'GET /v1/registry',
      'POST /features/batch',
      'POST /get-online-features',
      'POST /push',
      'POST /v1/features',
      'POST /v1/features/{entity}/batch',
      'POST /v1/push/{view}',
      'POST /write-to-online-store',
    ]);
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
    expect(document.components.securitySchemes).toHaveProperty('x-api-key');
  });

  it('serves the documentation UI', async () => {
    const response = await api.request('GET', '/docs');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });

  it('exposes Prometheus metrics of requests by route and status', async () => {
    await api.request('GET', '/features/nobody');
    await api.request('GET', '/features/nobody');
    await api.store.write('user_features', [{ id: 'm1', eventTime: Date.now() - 30_000, features: { age: 3 } }]);
    await api.request('GET', '/features/m1');
    const response = await api.request('GET', '/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain(
      'http_request_duration_seconds_count{method="GET",route="/features/:userId",status="404"} 2',
    );
    expect(response.body).toContain('feature_store_entities_read_total{entity="user",outcome="missing"} 2');
    expect(response.body).toContain('process_resident_memory_bytes');
    expect(response.body).toMatch(/feature_store_redis_seconds_count\{operation="get"\} [1-9]/);
    expect(response.body).toContain('feature_store_served_event_age_seconds_bucket{le="10",view="user_features"} 0');
    expect(response.body).toContain('feature_store_served_event_age_seconds_bucket{le="60",view="user_features"} 1');
  });
});
