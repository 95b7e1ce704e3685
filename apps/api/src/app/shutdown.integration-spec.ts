import { type SpawnedRedis, eventually, spawnRedisServer } from '@feature-store/testing';
import { createRedisClient } from '@feature-store/core';
import type { ChildProcess } from 'node:child_process';
import { spawnBuiltApi } from '../testing/built-api';

/** The built API process: SIGTERM lets the request in flight finish, then exits 0. */
describe('API shutdown on SIGTERM', () => {
  let redis: SpawnedRedis;
  let api: ChildProcess;
  let port: number;

  beforeAll(async () => {
    redis = await spawnRedisServer({ args: ['--enable-debug-command', 'yes'] });
    ({ process: api, port } = await spawnBuiltApi({ ...redis.env, REDIS_COMMAND_TIMEOUT_MS: '5000' }));
    await eventually('the API to become ready', 20_000, async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, 100);
  }, 30_000);

  afterAll(async () => {
    if (api.exitCode === null) api.kill('SIGKILL');
    await redis.stop();
  });

  it('finishes the request in flight, refuses new connections, closes Redis and exits 0', async () => {
    const blocker = createRedisClient(redis.url);
    const blocked = blocker.call('DEBUG', 'SLEEP', '0.5');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const inFlight = fetch(`http://127.0.0.1:${port}/features/anyone`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exited = new Promise<number | null>((resolve) => api.once('exit', (code) => resolve(code)));
    api.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    await expect(exited).resolves.toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    await blocked;
    const clients = String(await blocker.call('CLIENT', 'LIST'));
    expect(clients).not.toContain('name=feature-store-api');
    await blocker.quit();
  }, 20_000);
});
