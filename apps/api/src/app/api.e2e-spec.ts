import { type TestApi, startTestApi } from '../testing/test-api';

describe('API on Fastify, against a real Redis', () => {
  let api: TestApi;
  const request = (...args: Parameters<TestApi['request']>) => api.request(...args);

  beforeAll(async () => {
    api = await startTestApi({ BATCH_MAX_IDS: '5', BODY_LIMIT_BYTES: '2048' });
    await api.store.write('user_features', [
      {
        id: 'user00001',
        eventTime: '2026-11-27T10:00:00Z',
        features: { age: 34, gender: 'F', purchase_count_30d: 12, avg_session_duration_min: 23.5, preferred_category: 'books' },
      },
      { id: 'user00002', eventTime: 1, features: { age: 51, gender: 'M' } },
    ]);
  });

  afterAll(async () => {
    await api.close();
  });

  describe('the original contract', () => {
    it('GET /features/{user_id} returns typed features', async () => {
      const response = await request('GET', '/features/user00001');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toStrictEqual({
        user_id: 'user00001',
        features: { age: 34, gender: 'F', purchase_count_30d: 12, avg_session_duration_min: 23.5, preferred_category: 'books' },
      });
    });

    it('GET /features/{user_id} gives null for an unset feature of a known user', async () => {
      const response = await request('GET', '/features/user00002');
      expect(response.json()).toStrictEqual({
        user_id: 'user00002',
        features: { age: 51, gender: 'M', purchase_count_30d: null, avg_session_duration_min: null, preferred_category: null },
      });
    });

    it('GET /features/{user_id} answers 404 with the original detail for an unknown user', async () => {
      const response = await request('GET', '/features/user99999');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toStrictEqual({ detail: 'User user99999 not found', code: 'ENTITY_NOT_FOUND' });
    });

    it('POST /features/batch returns every id in request order, null features for unknown ids', async () => {
      const response = await request('POST', '/features/batch', { user_ids: ['user00002', 'nobody', 'user00001'] });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.map((entry: { user_id: string }) => entry.user_id)).toEqual(['user00002', 'nobody', 'user00001']);
      expect(body[1]).toStrictEqual({ user_id: 'nobody', features: null });
      expect(body[2].features.avg_session_duration_min).toBe(23.5);
      expect(typeof body[0].features.age).toBe('number');
    });

    it.each([
      ['an empty list', { user_ids: [] }, 'user_ids: expected between 1 and 5 ids, got 0'],
      ['too many ids', { user_ids: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'user_ids: expected between 1 and 5 ids, got 6'],
      ['a missing list', {}, 'user_ids: expected an array of ids'],
      ['a non-string id', { user_ids: ['a', 5] }, 'user_ids: every id is a string'],
      ['a list that is not an array', { user_ids: 'user00001' }, 'user_ids: expected an array of ids'],
    ])('POST /features/batch rejects %s with 400', async (_, payload, detail) => {
      const response = await request('POST', '/features/batch', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ detail });
    });

    it('GET /health reports healthy while Redis answers', async () => {
      const response = await request('GET', '/health');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toStrictEqual({ status: 'healthy' });
    });
  });

  describe('generic reads (v1)', () => {
    it('projects onto the requested features', async () => {
      const response = await request('GET', '/v1/features/user/user00001?features=age,preferred_category');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toStrictEqual({
        entity: 'user',
        id: 'user00001',
        features: { age: 34, preferred_category: 'books' },
        expired: [],
      });
    });

    it('includes event times on request', async () => {
      const response = await request('GET', '/v1/features/user/user00001?features=age&event_times=true');
      expect(response.json()).toMatchObject({ event_times: { user_features: '2026-11-27T10:00:00.000Z' } });
    });

    it('reads batches with projection', async () => {
      const response = await request('POST', '/v1/features/user/batch', {
        ids: ['user00001', 'ghost'],
        features: ['gender'],
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toStrictEqual({
        entity: 'user',
        results: [{ id: 'user00001', features: { gender: 'F' }, expired: [] }, null],
      });
    });

    it.each([
      ['GET', '/v1/features/order/1', undefined, 404, 'UNKNOWN_ENTITY', 'Unknown entity "order"'],
      ['GET', '/v1/features/user/user00001?features=height', undefined, 400, 'UNKNOWN_FEATURE', 'Unknown feature "height" for entity "user"'],
      ['GET', '/v1/features/user/user00001?features=', undefined, 400, 'INVALID_QUERY', 'features: expected a comma-separated list'],
      ['GET', '/v1/features/user/user00001?event_times=yes', undefined, 400, 'INVALID_QUERY', 'event_times: expected true or false'],
      ['GET', '/v1/features/user/ghost', undefined, 404, 'ENTITY_NOT_FOUND', 'User ghost not found'],
      ['POST', '/v1/features/order/batch', { ids: ['1'] }, 404, 'UNKNOWN_ENTITY', 'Unknown entity "order"'],
      ['POST', '/v1/features/user/batch', { ids: ['a'], features: ['nope'] }, 400, 'UNKNOWN_FEATURE', 'Unknown feature "nope"'],
      ['POST', '/v1/features/user/batch', { ids: ['a'], features: [] }, 400, 'BAD_REQUEST', 'features: leave it out'],
      ['POST', '/v1/features/user/batch', { ids: ['ok', 'bad id'] }, 400, 'INVALID_ID', 'ids[1]: Invalid user id "bad id"'],
      ['POST', '/v1/features/user/batch', { ids: ['a', 'b', 'a'] }, 400, 'DUPLICATE_VALUE', 'ids: "a" appears more than once'],
      ['POST', '/v1/features/user/batch', { ids: ['a'], features: ['age', 'age'] }, 400, 'DUPLICATE_VALUE', 'features: "age"'],
      ['GET', '/v1/features/user/user00001?features=age,age', undefined, 400, 'DUPLICATE_VALUE', 'features: "age"'],
    ])('%s %s -> %i %s', async (method, url, payload, status, code, detail) => {
      const response = await request(method as 'GET' | 'POST', url, payload);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ code, detail: expect.stringContaining(detail) });
    });
  });

  describe('bad input gets a 4xx with the one error shape', () => {
    it.each([
      ['an id longer than 128 characters', 'GET', `/features/${'x'.repeat(129)}`, undefined, {}, 400],
      ['an id with a space', 'GET', '/features/a%20b', undefined, {}, 400],
      ['malformed JSON', 'POST', '/features/batch', '{"user_ids": [', {}, 400],
      ['a JSON array body', 'POST', '/features/batch', '["user00001"]', {}, 400],
      ['a non-JSON content type', 'POST', '/features/batch', 'user_ids=1', { 'content-type': 'text/plain' }, 415],
      ['a body over the limit', 'POST', '/features/batch', { user_ids: ['x'.repeat(3000)] }, {}, 413],
      ['an unknown route', 'GET', '/nope', undefined, {}, 404],
    ])('%s', async (_, method, url, payload, headers, status) => {
      const response = await request(method as 'GET' | 'POST', url, payload, headers);
      expect(response.statusCode).toBe(status);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['code', 'detail']);
      expect(typeof body.detail).toBe('string');
      expect(body.detail).not.toMatch(/\bat .*\.js:\d+/);
    });
  });
});
