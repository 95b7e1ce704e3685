import { FeatureStore, Registry, createRedisClient } from '@feature-store/core';
import { type SpawnedRedis, eventually, spawnRedisServer } from '@feature-store/testing';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { spawnBuiltApi } from '../testing/built-api';

/** Pids of the processes whose parent is `pid`. */
function children(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // ps exits 1 when it lists nothing
  }
}

/** GET on a connection of its own, so that the primary deals each request to the next worker. */
function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** GET of a JSON body, on a connection of its own (as getStatus). */
function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

function exited(process: ChildProcess): Promise<number | null> {
  return process.exitCode !== null ? Promise.resolve(process.exitCode) : new Promise((resolve) => process.once('exit', resolve));
}

/** The built API with API_WORKERS=2: a primary and two workers sharing the port. */
describe('API workers', () => {
  let redis: SpawnedRedis;

  beforeAll(async () => {
    redis = await spawnRedisServer();
  });

  afterAll(async () => {
    await redis.stop();
  });

  const startApi = (env: Record<string, string> = {}) => spawnBuiltApi({ ...redis.env, API_WORKERS: '2', LOG_LEVEL: 'info', ...env });

  /** Pids of the workers the primary saw listen, from its log. */
  const listening = (stdout: readonly string[]) =>
    stdout.flatMap((line) => /"msg":"Worker (\d+) listening"/.exec(line)?.[1] ?? []).map(Number);

  it('serves from both workers, sums their metrics, replaces a dead worker and stops on SIGTERM', async () => {
    const { process: api, pid, port, stdout } = await startApi();
    try {
      // A worker killed before it listens is a boot failure (the primary exits 1): wait for both.
      await eventually('both workers to listen', 20_000, async () => listening(stdout).length === 2, 100);
      const requests = 20;
      for (let index = 0; index < requests; index++) expect(await getStatus(port, '/features/nobody')).toBe(404);

      // Connections go to the workers in turn, so either alone counted about half of them.
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain(`http_request_duration_seconds_count{method="GET",route="/features/:userId",status="404"} ${requests}`);

      const [victim = 0] = listening(stdout);
      process.kill(victim, 'SIGKILL');
      await eventually('a new worker to listen', 20_000, async () => listening(stdout).length === 3, 100);
      expect(children(pid)).toHaveLength(2);
      expect(children(pid)).not.toContain(victim);
      // A scrape answers once every worker does, the new one included.
      expect(await getStatus(port, '/metrics')).toBe(200);
      for (let index = 0; index < 4; index++) expect(await getStatus(port, '/features/nobody')).toBe(404);

      const workers = children(pid);
      api.kill('SIGTERM');
      await expect(exited(api)).resolves.toBe(0);
      expect(workers.filter(isAlive)).toEqual([]);
      await expect(getStatus(port, '/health/live')).rejects.toThrow();
    } finally {
      if (api.exitCode === null) api.kill('SIGKILL');
    }
  }, 60_000);

  it('gives each worker a near-cache and tracking of its own, each kept exact by Redis', async () => {
    const { process: api, port, stdout } = await startApi({ REGISTRY_PATH: 'registry/examples/near-cache.yaml' });
    const client = createRedisClient(redis.url);
    const writer = new FeatureStore(client, { registry: Registry.fromFile('registry/features.yaml') });
    const ages = async () => Promise.all(Array.from({ length: 6 }, async () => ((await getJson(port, '/features/user1')) as { features: { age: number } }).features.age));
    const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    try {
      await eventually('both workers to listen', 20_000, async () => listening(stdout).length === 2, 100);
      await writer.write('user_features', [{ id: 'user1', eventTime: 1, features: { age: 1 } }]);
      // Connections go to the workers in turn: reads soon reach both, and each tracks what it read.
      await eventually('both workers to track their reads', 20_000, async () => {
        await ages();
        const tracking = String(await client.client('LIST')).match(/ name=feature-store-api:near-cache /g) ?? [];
        return tracking.length === 2 && (await scrape()).includes('\nfeature_store_near_cache_armed 1\n');
      }, 100);
      await expect(ages()).resolves.toEqual([1, 1, 1, 1, 1, 1]);

      await writer.write('user_features', [{ id: 'user1', eventTime: 2, features: { age: 2 } }]);
      await eventually('every worker to serve the write', 10_000, async () => (await ages()).every((age) => age === 2));
      expect(Number(/\nfeature_store_near_cache_invalidations_total (\d+)\n/.exec(await scrape())?.[1])).toBeGreaterThanOrEqual(2);
    } finally {
      await client.quit();
      if (api.exitCode === null) api.kill('SIGKILL');
    }
  }, 60_000);

  it('exits 0 on SIGTERM while its workers are still booting', async () => {
    const { process: api, pid } = await startApi();
    try {
      await eventually('the workers to be forked', 10_000, async () => children(pid).length === 2, 10);
      api.kill('SIGTERM');
      await expect(exited(api)).resolves.toBe(0);
    } finally {
      if (api.exitCode === null) api.kill('SIGKILL');
    }
  }, 30_000);

  it('exits 1 when the workers cannot start, instead of forking them again and again', async () => {
    const { process: api, pid } = await startApi({ REGISTRY_PATH: 'registry/does-not-exist.yaml' });
    try {
      await expect(exited(api)).resolves.toBe(1);
      expect(children(pid)).toEqual([]);
    } finally {
      if (api.exitCode === null) api.kill('SIGKILL');
    }
  }, 30_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: no such process
  }
}
