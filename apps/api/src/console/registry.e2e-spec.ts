import { type TestRedis, redisForTests } from '@feature-store/testing';
import { type TestApi, startTestApi } from '../testing/test-api';

const WRITER = 'writer-key-0123456789';
const READER = 'reader-key-0123456789';

describe('GET /v1/registry', () => {
  let redis: TestRedis;
  let open: TestApi;
  let keyed: TestApi;

  beforeAll(async () => {
    // One Redis for the suite's apps: a private server, or REDIS_URL / the cluster of REDIS_CLUSTER_NODES when set.
    redis = await redisForTests();
    open = await startTestApi({}, redis);
    keyed = await startTestApi({ READS_REQUIRE_KEY: 'true', API_KEYS: `ingest:${WRITER}:write,model:${READER}:read` }, redis);
  });

  afterAll(async () => {
    await Promise.all([open, keyed].map((api) => api?.close()));
    await redis?.stop();
  });

  it('lists the entities, views with typed features and their max ages', async () => {
    const response = await open.request('GET', '/v1/registry');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.entities).toEqual([
      expect.objectContaining({ name: 'user', join_key: { name: 'user_id', type: 'string' }, description: 'A user of the product, identified like "user00042".' }),
    ]);
    expect(body.views).toEqual([expect.objectContaining({ name: 'user_features', key_space: 'user', max_age_seconds: null, event_time_field: '_t' })]);
    expect(body.views[0].features.map(({ name, type }: { name: string; type: string }) => `${name}:${type}`)).toEqual([
      'age:int',
      'gender:string',
      'purchase_count_30d:int',
      'avg_session_duration_min:float',
      'preferred_category:string',
    ]);
    expect(body).toMatchObject({ feature_services: [], push_sources: [] });
  });

  it.each([
    ['no key', {}, 401],
    ['a key without the read scope', { 'x-api-key': WRITER }, 403],
    ['a key with the read scope', { 'x-api-key': READER }, 200],
    ['that key as a bearer token', { authorization: `Bearer ${READER}` }, 200],
  ])('with READS_REQUIRE_KEY=true, answers %s with %d, as every read', async (_, headers, status) => {
    expect((await keyed.request('GET', '/v1/registry', undefined, headers)).statusCode).toBe(status);
  });
});
