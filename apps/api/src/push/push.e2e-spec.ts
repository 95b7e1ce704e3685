import { type TestApi, startTestApi } from '../testing/test-api';

const WRITER = 'writer-key-0123456789';
const READER = 'reader-key-0123456789';

describe('POST /v1/push/{view} and API keys', () => {
  let api: TestApi;
  const push = (rows: unknown, key: string | null = WRITER, view = 'user_features') =>
    api.request('POST', `/v1/push/${view}`, { rows }, key === null ? {} : { 'x-api-key': key });

  beforeAll(async () => {
    api = await startTestApi({ API_KEYS: `ingest:${WRITER}:read+write,model:${READER}:read`, PUSH_MAX_ROWS: '3' });
  });

  afterAll(async () => {
    await api.close();
  });

  it('writes typed rows and answers the counts once Redis acknowledged them', async () => {
    const response = await push([
      { id: 'p1', event_ts: '2026-11-27T10:00:00Z', features: { age: 30, gender: 'F' } },
      { id: 'p1', event_ts: 1_700_000_000_000, features: { age: 99 } },
      { id: 'p2', features: { avg_session_duration_min: 1.5 } },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({ written: 2, stale: 1 });
    const [p1, p2] = await api.store.getMany('user', ['p1', 'p2']);
    expect(p1?.features).toMatchObject({ age: 30, gender: 'F' });
    expect(p1?.eventTimes['user_features']).toBe(Date.parse('2026-11-27T10:00:00Z'));
    expect(p2?.eventTimes['user_features']).toBeGreaterThan(Date.now() - 60_000);
  });

  it.each([
    ['an unknown feature', [{ id: 'v1', features: { height: 180 } }], 'Row 0: Unknown feature "height" for view "user_features"'],
    ['a wrong type', [{ id: 'v1', features: {} }, { id: 'v2', features: { age: '30' } }], 'Row 1: Feature "age" (int): expected an integer'],
    ['an integer outside the safe range', [{ id: 'v1', features: { age: 2 ** 53 } }], 'Row 0: Feature "age" (int): an integer outside the safe range'],
    ['a missing id', [{ features: { age: 1 } }], 'Row 0: Invalid user id undefined'],
    ['a bad event time', [{ id: 'v1', event_ts: 'yesterday', features: {} }], 'Row 0: event time: expected epoch milliseconds or an ISO-8601'],
    ['features that are not an object', [{ id: 'v1', features: [1] }], 'Row 0: features: expected an object'],
    ['a row that is not an object', [{ id: 'v1', features: {} }, 5], 'rows: every row is an object'],
    ['too many rows', [{ id: 'a', features: {} }, { id: 'b', features: {} }, { id: 'c', features: {} }, { id: 'd', features: {} }], 'rows: expected between 1 and 3 rows, got 4'],
    ['no rows', [], 'rows: expected between 1 and 3 rows, got 0'],
    ['rows that are not an array', { id: 'x' }, 'rows: expected an array of rows'],
  ])('answers 400 for %s, naming the row and field, and writes nothing', async (_, rows, detail) => {
    const response = await push(rows);
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain(detail);
    await expect(api.store.getMany('user', ['v1', 'v2', 'a'])).resolves.toEqual([null, null, null]);
  });

  it('answers 409 naming the rows that foreign stored data stopped, and what it did write', async () => {
    await api.redis.set(api.store.keys.entityHash('user', 'foreign1'), 'not a hash');
    const response = await push([
      { id: 'ok1', event_ts: 1, features: { age: 1 } },
      { id: 'foreign1', event_ts: 1, features: { age: 2 } },
      { id: 'ok2', event_ts: 1, features: { age: 3 } },
    ]);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      detail: expect.stringContaining('Row 1: the key'),
      code: 'INVALID_STORED_DATA',
      written: 2,
      stale: 0,
      rejected: [{ row: 1, reason: expect.stringContaining('holds another type than a hash') }],
    });
    await expect(api.store.getMany('user', ['ok1', 'ok2'])).resolves.toMatchObject([{ features: { age: 1 } }, { features: { age: 3 } }]);
  });

  it('answers 404 for an unknown view', async () => {
    const response = await push([{ id: 'x', features: {} }], WRITER, 'nope');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ detail: 'Unknown feature view "nope"', code: 'UNKNOWN_VIEW' });
  });

  it.each([
    ['no key', null, 401, 'UNAUTHORIZED'],
    ['an unknown key', 'not-a-configured-key-at-all', 401, 'UNAUTHORIZED'],
    ['a key that differs in its last character', `${WRITER.slice(0, -1)}X`, 401, 'UNAUTHORIZED'],
    ['a read-only key', READER, 403, 'FORBIDDEN'],
  ])('refuses a push with %s', async (_, key, status, code) => {
    const response = await push([{ id: 'auth1', features: { age: 1 } }], key);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ code });
    expect(JSON.stringify(response.json())).not.toContain(WRITER);
    await expect(api.store.get('user', 'auth1')).resolves.toBeNull();
  });

  it('keeps reads open by default', async () => {
    const response = await api.request('GET', '/features/p1');
    expect(response.statusCode).toBe(200);
  });
});

describe('push rate limit per API key (PUSH_RATE_LIMIT=2)', () => {
  let api: TestApi;
  const other = 'other-writer-key-0123456789';

  beforeAll(async () => {
    api = await startTestApi({ API_KEYS: `a:${WRITER}:write,b:${other}:write`, PUSH_RATE_LIMIT: '2' });
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers 429 with Retry-After past the limit, for that key only', async () => {
    const push = (key: string) =>
      api.request('POST', '/v1/push/user_features', { rows: [{ id: 'rl', features: { age: 1 } }] }, { 'x-api-key': key });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await push(WRITER)).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await push(WRITER);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await push(other)).statusCode).toBe(200);
  });
});

describe('reads behind API keys (READS_REQUIRE_KEY=true)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ API_KEYS: `model:${READER}:read`, READS_REQUIRE_KEY: 'true' });
    await api.store.write('user_features', [{ id: 'r1', eventTime: 1, features: { age: 3 } }]);
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['GET', '/features/r1', undefined],
    ['POST', '/features/batch', { user_ids: ['r1'] }],
    ['GET', '/v1/features/user/r1', undefined],
    ['POST', '/v1/features/user/batch', { ids: ['r1'] }],
  ])('%s %s needs a read key', async (method, url, payload) => {
    const denied = await api.request(method as 'GET' | 'POST', url, payload);
    expect(denied.statusCode).toBe(401);
    const allowed = await api.request(method as 'GET' | 'POST', url, payload, { 'x-api-key': READER });
    expect(allowed.statusCode).toBe(200);
  });

  it('leaves health checks open', async () => {
    expect((await api.request('GET', '/health')).statusCode).toBe(200);
  });
});
