import { type SpawnedRedis, eventually, spawnRedisServer } from '@feature-store/testing';
import { Redis } from 'ioredis';
import { FeatureStoreErrorCode } from '../errors';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { Registry } from '../registry/registry';
import { FeatureStore } from '../store/feature-store';

const registry = Registry.fromObject({ entities: { user: {} }, views: { v: { entity: 'user', features: { n: 'int' } } } });

/** Commands a server has processed, read on a connection of its own (which counts its INFO too). */
async function processed(admin: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))![1]);
}

/**
 * A Redis that is connected but does not answer (a paused process, as SIGSTOP makes it): the
 * store's circuit breaker stops sending after a few timeouts and drops what was queued, so Redis
 * wakes to a handful of commands, not the backlog of every request made during the stall.
 */
describe('CircuitBreaker against a stalled Redis', () => {
  let server: SpawnedRedis;
  let client: RedisClient;
  let admin: Redis;
  const changes: boolean[] = [];

  beforeEach(async () => {
    server = await spawnRedisServer();
    admin = new Redis(server.url);
    client = createRedisClient(server.url, { commandTimeoutMs: 100, failFastWhenDisconnected: true });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    changes.length = 0;
  });

  afterEach(async () => {
    process.kill(server.process.pid!, 'SIGCONT');
    client.disconnect();
    admin.disconnect();
    await server.stop();
  });

  /** Reads during a stall of `ms`, 20 at a time; resolves with how many failed and how many failed as "circuit open". */
  async function readDuringStall(store: FeatureStore, ms: number): Promise<{ failed: number; open: number }> {
    let failed = 0;
    let open = 0;
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (Date.now() < until) {
          await store.getMany('user', ['u1', 'u2']).then(
            () => undefined,
            (error: { code?: string; message?: string }) => {
              expect(error.code).toBe(FeatureStoreErrorCode.RedisError);
              failed += 1;
              if (error.message?.includes('circuit open')) open += 1;
            },
          );
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }),
    );
    return { failed, open };
  }

  it('fails at once while Redis stalls, leaves it no backlog, and serves again once it answers', async () => {
    const store = new FeatureStore(client, { registry, circuitBreaker: { failureSpanMs: 100, probeIntervalMs: 100, onChange: (open) => changes.push(open) } });
    await store.write('v', [{ id: 'u1', eventTime: 1, features: { n: 1 } }]);
    const before = await processed(admin);
    process.kill(server.process.pid!, 'SIGSTOP');
    const { failed, open } = await readDuringStall(store, 1_500);
    expect(changes).toEqual([true]);
    expect(open).toBeGreaterThan(failed / 2);
    process.kill(server.process.pid!, 'SIGCONT');
    await eventually('the store to serve again', 5_000, () => store.get('user', 'u1').then(() => true, () => false), 20);
    expect(changes).toEqual([true, false]);
    // The reads made during the stall, hundreds, never reach Redis: only those before the circuit
    // opened (20 in flight, a few rounds) and the probes do. The INFO calls of this spec count too.
    const ran = (await processed(admin)) - before;
    expect(failed).toBeGreaterThan(300);
    expect(ran).toBeLessThan(150);
  });

  it('without a circuit breaker, Redis wakes to the backlog of the stall (what the breaker prevents)', async () => {
    const store = new FeatureStore(client, { registry });
    await store.write('v', [{ id: 'u1', eventTime: 1, features: { n: 1 } }]);
    const before = await processed(admin);
    process.kill(server.process.pid!, 'SIGSTOP');
    const { failed } = await readDuringStall(store, 1_500);
    process.kill(server.process.pid!, 'SIGCONT');
    await eventually('the store to serve again', 5_000, () => store.get('user', 'u1').then(() => true, () => false), 20);
    expect(failed).toBeGreaterThan(150);
    expect((await processed(admin)) - before).toBeGreaterThan(failed);
  });
});

/**
 * A Redis busy for a moment (a slow command, a fork; here a pause of 300 ms) times out every call
 * in flight at once. That burst is not a silent Redis, and must not open the circuit (which would
 * drop the connection and fail the calls after it too). A process starved of CPU makes no such
 * burst: replies that came in time are read before any deadline is judged (command-deadline.ts).
 */
describe('CircuitBreaker and a burst of timeouts', () => {
  let server: SpawnedRedis;
  let client: RedisClient;

  beforeEach(async () => {
    server = await spawnRedisServer();
    client = createRedisClient(server.url, { commandTimeoutMs: 100, failFastWhenDisconnected: true });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
  });

  afterEach(async () => {
    process.kill(server.process.pid!, 'SIGCONT');
    client.disconnect();
    await server.stop();
  });

  /** 50 reads sent, then Redis paused for 300 ms: resolves with how many failed. */
  async function pausedBurst(store: FeatureStore): Promise<number> {
    process.kill(server.process.pid!, 'SIGSTOP');
    const reads = Array.from({ length: 50 }, (_, index) => store.get('user', `u${index}`).then(() => false, () => true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(server.process.pid!, 'SIGCONT');
    return (await Promise.all(reads)).filter(Boolean).length;
  }

  it('a process starved of CPU times nothing out: Redis answered in time', async () => {
    const changes: boolean[] = [];
    const store = new FeatureStore(client, { registry, circuitBreaker: { failureSpanMs: 0, onChange: (open) => changes.push(open) } });
    const reads = Array.from({ length: 50 }, (_, index) => store.get('user', `u${index}`).then(() => false, () => true));
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        const until = Date.now() + 300;
        while (Date.now() < until); // the starved event loop
        resolve();
      }),
    );
    expect((await Promise.all(reads)).filter(Boolean)).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('a burst of timeouts with Redis answering after leaves the circuit closed', async () => {
    const changes: boolean[] = [];
    const store = new FeatureStore(client, { registry, circuitBreaker: { onChange: (open) => changes.push(open) } });
    expect(await pausedBurst(store)).toBeGreaterThanOrEqual(5);
    await expect(store.get('user', 'u1')).resolves.toBeDefined();
    expect(changes).toEqual([]);
  });

  it('without the span, the same burst opens it (what failureSpanMs prevents)', async () => {
    const changes: boolean[] = [];
    const store = new FeatureStore(client, { registry, circuitBreaker: { failureSpanMs: 0, onChange: (open) => changes.push(open) } });
    expect(await pausedBurst(store)).toBeGreaterThanOrEqual(5);
    expect(changes).toEqual([true]);
    await expect(store.get('user', 'u1')).rejects.toMatchObject({ code: FeatureStoreErrorCode.RedisError });
  });
});
