import { createRedisClient } from '@feature-store/core';
import { type SpawnedRedis, eventually, spawnRedisServer } from '@feature-store/testing';
import { type TestApi, startTestApi } from '../testing/test-api';

/** Generous bound for "no request hangs": far above REDIS_COMMAND_TIMEOUT_MS, far below a hang. */
const NO_HANG_MS = 3_000;


describe('the API when Redis fails', () => {
  let redis: SpawnedRedis;
  let api: TestApi;

  beforeAll(async () => {
    redis = await spawnRedisServer({ args: ['--enable-debug-command', 'yes'] });
    api = await startTestApi({}, redis);
    await api.store.write('user_features', [{ id: 'user00001', eventTime: 1, features: { age: 30 } }]);
  });

  afterAll(async () => {
    await api.close();
    await redis.stop();
  });

  it('answers 503 quickly while Redis is down, stays live, and serves again once it is back', async () => {
    const port = redis.port;
    redis.process.kill('SIGKILL');
    await new Promise((resolve) => redis.process.once('exit', resolve));

    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0
          ? api.request('GET', '/features/user00001')
          : api.request('POST', '/features/batch', { user_ids: ['user00001', 'user00002'] }),
      ),
    );
    expect(Date.now() - started).toBeLessThan(NO_HANG_MS);
    for (const response of responses) {
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ detail: 'Feature store unavailable', code: 'REDIS_ERROR' });
    }
    expect((await api.request('GET', '/health')).statusCode).toBe(503);
    expect((await api.request('GET', '/health/ready')).json()).toMatchObject({ status: 'unhealthy' });
    expect((await api.request('GET', '/health/live')).statusCode).toBe(200);

    redis = await spawnRedisServer({ port, args: ['--enable-debug-command', 'yes'] });
    // The data did not survive (no persistence): a 404 is the API serving again.
    await eventually('the API to serve again', 5_000, async () => (await api.request('GET', '/features/user00001')).statusCode === 404);
    expect((await api.request('GET', '/health/ready')).statusCode).toBe(200);
  });

  it('answers 503 before a slow Redis answers, instead of piling requests up', async () => {
    const sleeper = createRedisClient(redis.url);
    const sleeping = sleeper.call('DEBUG', 'SLEEP', '1.5');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const response = await api.request('GET', '/features/user00001');
    const elapsed = Date.now() - started;
    expect(response.statusCode).toBe(503);
    expect(elapsed).toBeLessThan(1_400);
    await sleeping;
    sleeper.disconnect();
    await eventually('Redis to answer again', 5_000, async () => (await api.request('GET', '/health')).statusCode === 200);
  });
});
