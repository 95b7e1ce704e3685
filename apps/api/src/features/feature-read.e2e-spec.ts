import { FEAST_REGISTRY_PATH, type TestApi, startTestApi } from '../testing/test-api';

/** POST /v1/features: the API's own model-centric read, on the registry of Feast's quickstart. */
describe('POST /v1/features', () => {
  let api: TestApi;
  const now = Date.now() - (Date.now() % 1_000);
  const read = (body: unknown) => api.request('POST', '/v1/features', body);

  beforeAll(async () => {
    api = await startTestApi({ REGISTRY_PATH: FEAST_REGISTRY_PATH, BATCH_MAX_IDS: '3' });
    await api.store.write('driver_hourly_stats', [{ id: 1001, eventTime: now, features: { conv_rate: 0.5, avg_daily_trips: 9 } }]);
    await api.store.write('driver_customer_stats', [{ id: { driver_id: 1001, customer_id: 'c1' }, eventTime: now - 1_000, features: { trips_together: 2 } }]);
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers values, statuses and event times per row, for views of several entities', async () => {
    const response = await read({
      rows: [{ driver_id: 1001, customer_id: 'c1' }, { driver_id: 1002, customer_id: 'c1' }],
      features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate', 'driver_customer_stats:trips_together'],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({
      features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate', 'driver_customer_stats:trips_together'],
      results: [
        {
          key: { driver_id: 1001, customer_id: 'c1' },
          values: [0.5, null, 2],
          statuses: ['PRESENT', 'NULL_VALUE', 'PRESENT'],
          event_times: [new Date(now).toISOString(), new Date(now).toISOString(), new Date(now - 1_000).toISOString()],
        },
        { key: { driver_id: 1002, customer_id: 'c1' }, values: [null, null, null], statuses: ['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'], event_times: [null, null, null] },
      ],
    });
  });

  it('reads a feature service by name, and says which version it served', async () => {
    const response = await read({ rows: [{ driver_id: 1001 }], feature_service: 'driver_activity' });
    expect(response.json()).toMatchObject({
      features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate', 'driver_hourly_stats:avg_daily_trips'],
      feature_service: { name: 'driver_activity', version: 1 },
      results: [{ key: { driver_id: 1001 }, values: [0.5, null, 9] }],
    });
  });

  it.each([
    [{ rows: [], features: ['driver_hourly_stats:conv_rate'] }, 'INVALID_BATCH_SIZE', 'rows: expected between 1 and 3 ids, got 0'],
    [{ rows: [{}, {}, {}, {}], features: ['x'] }, 'INVALID_BATCH_SIZE', 'got 4'],
    [{ rows: [{ driver_id: 1 }] }, 'BAD_REQUEST', 'name either features or feature_service'],
    [{ rows: [{ driver_id: 1 }], features: ['conv_rate'] }, 'BAD_REQUEST', '"view:feature"'],
    [{ rows: [{ driver_id: 1.5 }], features: ['driver_hourly_stats:conv_rate'] }, 'BAD_REQUEST', 'rows[0].driver_id: expected a string or an integer'],
    [{ rows: [{ customer_id: 'c' }], features: ['driver_hourly_stats:conv_rate'] }, 'INVALID_ID', 'rows[0]: Missing join key driver_id'],
    [{ rows: [{ driver_id: 1 }], features: ['driver_hourly_stats:speed'] }, 'UNKNOWN_FEATURE', 'Unknown feature "speed" of view "driver_hourly_stats"'],
    [{ rows: [{ driver_id: 1 }], feature_service: 'ranker' }, 'UNKNOWN_FEATURE_SERVICE', 'Unknown feature service "ranker"'],
  ])('refuses %j: %s', async (body, code, detail) => {
    const response = await read(body);
    expect(response.statusCode).toBe(code.startsWith('UNKNOWN_FEATURE_') ? 404 : 400);
    expect(response.json()).toMatchObject({ code, detail: expect.stringContaining(detail) });
  });
});
