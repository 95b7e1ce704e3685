import { FEAST_REGISTRY_PATH, type TestApi, startTestApi } from '../testing/test-api';

const WRITER = 'feast-writer-key-0123456789';
const READER = 'feast-reader-key-0123456789';
const ZERO = '1970-01-01T00:00:00Z';
const DAY = 86_400_000;

/**
 * Feast's feature server routes, wire-exact, on the registry of Feast's quickstart: requests as
 * Feast's documentation, tests and Python client write them (../shared/FEAST-WIRE.md).
 */
describe("Feast-compatible routes (Feast's quickstart registry)", () => {
  let api: TestApi;
  const post = (url: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${WRITER}` }) =>
    api.request('POST', url, body, headers);
  /** As `curl -d` and Python's `requests.post(data=json.dumps(...))` send it: no JSON content type. */
  const postRaw = (url: string, text: string, contentType?: string) =>
    api.app.getHttpAdapter().getInstance().inject({
      method: 'POST',
      url,
      payload: text,
      headers: { 'x-api-key': WRITER, ...(contentType ? { 'content-type': contentType } : {}) },
    });
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const recently = Date.now() - 60_000 - (Date.now() % 1_000);

  beforeAll(async () => {
    api = await startTestApi({ REGISTRY_PATH: FEAST_REGISTRY_PATH, API_KEYS: `w:${WRITER}:read+write,r:${READER}:read` });
  });

  afterAll(async () => {
    await api.close();
  });

  it('POST /push writes a push source\'s rows, Feast\'s timestamp formats read as UTC; 200 with an empty body', async () => {
    const response = await post('/push', {
      push_source_name: 'driver_stats_push_source',
      df: {
        driver_id: [1001, 1002, 1003],
        event_timestamp: [iso(recently).replace('T', ' ').replace('Z', '+00:00'), iso(recently).replace('Z', ''), recently / 1_000],
        created: [iso(recently), null, null],
        conv_rate: [0.25, 0.5, 0.75],
        acc_rate: [1.0, 0.5, null],
        avg_daily_trips: [1000, 20, 3],
      },
      to: 'online',
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    const [first, second, third] = await api.store.getMany('driver', ['1001', '1002', '1003']);
    expect(first).toMatchObject({ features: { conv_rate: 0.25, acc_rate: 1, avg_daily_trips: 1000 }, eventTimes: { driver_hourly_stats: recently } });
    expect(second?.eventTimes['driver_hourly_stats']).toBe(recently);
    expect(third).toMatchObject({ features: { acc_rate: null, avg_daily_trips: 3 }, eventTimes: { driver_hourly_stats: recently } });
  });

  it("POST /get-online-features answers Feast's columns: join keys first, statuses, RFC 3339 timestamps", async () => {
    await api.store.write('driver_hourly_stats', [
      { id: 2001, eventTime: recently + 123, features: { conv_rate: 0.9, acc_rate: 0.8, avg_daily_trips: 7 } },
      { id: 2002, eventTime: Date.now() - 2 * DAY, features: { conv_rate: 0.1, acc_rate: 0.1, avg_daily_trips: 1 } },
    ]);
    const response = await post(
      '/get-online-features',
      { entities: { driver_id: [2001, 2002, 9999] }, features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips'], full_feature_names: false },
      { 'x-api-key': READER },
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({
      metadata: { feature_names: ['driver_id', 'conv_rate', 'avg_daily_trips'] },
      results: [
        { values: [2001, 2002, 9999], statuses: ['PRESENT', 'PRESENT', 'PRESENT'], event_timestamps: [ZERO, ZERO, ZERO] },
        {
          values: [0.9, null, null],
          statuses: ['PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'],
          event_timestamps: [new Date(recently + 123).toISOString(), expect.stringMatching(/Z$/), ZERO],
        },
        {
          values: [7, null, null],
          statuses: ['PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'],
          event_timestamps: [new Date(recently + 123).toISOString(), expect.any(String), ZERO],
        },
      ],
    });
  });

  it('reads a feature service, with full feature names, as a documented curl sends it (no JSON content type)', async () => {
    const body = JSON.stringify({ feature_service: 'driver_activity', entities: { driver_id: [1001] }, full_feature_names: true });
    for (const contentType of [undefined, 'application/x-www-form-urlencoded']) {
      const response = await postRaw('/get-online-features', body, contentType);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        metadata: { feature_names: ['driver_id', 'driver_hourly_stats__conv_rate', 'driver_hourly_stats__acc_rate', 'driver_hourly_stats__avg_daily_trips'] },
        results: [{ values: [1001] }, { values: [0.25], statuses: ['PRESENT'], event_timestamps: [iso(recently)] }, { values: [1] }, { values: [1000] }],
      });
    }
  });

  it('pushes and reads a composite key (driver and customer) through its push source', async () => {
    const pushed = await postRaw(
      '/push',
      JSON.stringify({
        push_source_name: 'driver_customer_push_source',
        df: { driver_id: [1001, 1001], customer_id: ['c|1', 'c2'], event_timestamp: ['2026-01-01 00:00:00', '2026-01-01 00:00:00'], trips_together: [3, 4] },
      }),
    );
    expect(pushed.statusCode).toBe(200);
    const read = await post('/get-online-features', {
      entities: { driver_id: [1001, 1001, 1002], customer_id: ['c|1', 'c2', 'c|1'] },
      features: ['driver_customer_stats:trips_together', 'driver_hourly_stats:conv_rate'],
    });
    expect(read.json()).toMatchObject({
      metadata: { feature_names: ['driver_id', 'customer_id', 'trips_together', 'conv_rate'] },
      results: [
        { values: [1001, 1001, 1002] },
        { values: ['c|1', 'c2', 'c|1'] },
        { values: [3, 4, null], statuses: ['PRESENT', 'PRESENT', 'NOT_FOUND'], event_timestamps: ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ZERO] },
        { values: [0.25, 0.25, 0.5], statuses: ['PRESENT', 'PRESENT', 'PRESENT'] },
      ],
    });
  });

  it("POST /write-to-online-store takes what Feast's remote online store sends (naive UTC times, created null)", async () => {
    const response = await post('/write-to-online-store', {
      feature_view_name: 'driver_hourly_stats',
      df: { driver_id: [3001], event_timestamp: [iso(recently).replace('Z', '')], created: [null], conv_rate: [0.33], acc_rate: [0.44], avg_daily_trips: [5] },
      allow_registry_cache: false,
    });
    expect(response.statusCode).toBe(200);
    await expect(api.store.get('driver', 3001)).resolves.toMatchObject({ features: { conv_rate: 0.33 }, eventTimes: { driver_hourly_stats: recently } });
  });

  it('orders pushes by event time: an older push changes nothing', async () => {
    const push = (eventTimestamp: string, rate: number) =>
      post('/push', { push_source_name: 'driver_stats_push_source', df: { driver_id: [4001], event_timestamp: [eventTimestamp], conv_rate: [rate] } });
    expect((await push(iso(recently + 3_600_000).replace('Z', '+00:00'), 0.9)).statusCode).toBe(200);
    expect((await push(iso(recently).replace('T', ' ').replace('Z', ''), 0.1)).statusCode).toBe(200);
    await expect(api.store.get('driver', 4001)).resolves.toMatchObject({ features: { conv_rate: 0.9 } });
  });

  it.each([
    ['an unknown feature view', '/get-online-features', { entities: { driver_id: [1] }, features: ['nope:x'] }, 404, 'UNKNOWN_VIEW'],
    ['an unknown feature', '/get-online-features', { entities: { driver_id: [1] }, features: ['driver_hourly_stats:nope'] }, 404, 'UNKNOWN_FEATURE'],
    ['an unknown feature service', '/get-online-features', { entities: { driver_id: [1] }, feature_service: 'nope' }, 404, 'UNKNOWN_FEATURE_SERVICE'],
    ['a missing join key', '/get-online-features', { entities: { customer_id: ['c'] }, features: ['driver_hourly_stats:conv_rate'] }, 422, 'INVALID_ID'],
    ['an int join key that is not one', '/get-online-features', { entities: { driver_id: ['abc'] }, features: ['driver_hourly_stats:conv_rate'] }, 422, 'INVALID_ID'],
    ['columns of different lengths', '/get-online-features', { entities: { driver_id: [1, 2], customer_id: ['c'] }, features: ['driver_customer_stats:trips_together'] }, 422, 'BAD_REQUEST'],
    ['no entities', '/get-online-features', { features: ['driver_hourly_stats:conv_rate'] }, 422, 'BAD_REQUEST'],
    ['an unknown push source', '/push', { push_source_name: 'nope', df: { driver_id: [1] } }, 422, 'UNKNOWN_PUSH_SOURCE'],
    ['an offline push', '/push', { push_source_name: 'driver_stats_push_source', df: { driver_id: [1] }, to: 'offline' }, 422, 'BAD_REQUEST'],
    ['a push to both stores', '/push', { push_source_name: 'driver_stats_push_source', df: { driver_id: [1] }, to: 'online_and_offline' }, 422, 'BAD_REQUEST'],
    ['an unknown column', '/push', { push_source_name: 'driver_stats_push_source', df: { driver_id: [1], speed: [3] } }, 422, 'INVALID_ROW'],
    ['a bad timestamp', '/push', { push_source_name: 'driver_stats_push_source', df: { driver_id: [1], event_timestamp: ['soon'] } }, 422, 'INVALID_ROW'],
    ['an unknown view', '/write-to-online-store', { feature_view_name: 'nope', df: { driver_id: [1] } }, 404, 'UNKNOWN_VIEW'],
  ])('answers %s with the status Feast uses and this API\'s {detail, code} body', async (_, url, body, status, code) => {
    const response = await post(url, body);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ code, detail: expect.any(String) });
    expect(Object.keys(response.json()).sort()).toEqual(['code', 'detail']);
  });

  it('writes nothing of a push with one bad row', async () => {
    const response = await post('/push', {
      push_source_name: 'driver_stats_push_source',
      df: { driver_id: [5001, 5002], conv_rate: [0.5, 'high'] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail).toContain('Row 1');
    await expect(api.store.getMany('driver', [5001, 5002])).resolves.toEqual([null, null]);
  });

  it('needs a key with the write scope to push, sent as x-api-key or a Bearer token', async () => {
    const body = { push_source_name: 'driver_stats_push_source', df: { driver_id: [6001], conv_rate: [0.5] } };
    expect((await post('/push', body, {})).statusCode).toBe(401);
    expect((await post('/push', body, { authorization: `Bearer ${READER}` })).statusCode).toBe(403);
    expect((await post('/push', body, { authorization: 'Bearer not-a-key-at-all-000' })).statusCode).toBe(401);
    expect((await post('/push', body, { 'x-api-key': WRITER })).statusCode).toBe(200);
  });
});
