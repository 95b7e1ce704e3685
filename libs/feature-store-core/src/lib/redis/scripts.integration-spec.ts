import { type SpawnedRedis, spawnRedisServer } from '@feature-store/testing';
import { Redis } from 'ioredis';
import { type RedisClient, createRedisClient } from './create-redis-client';
import { WriteCode, advanceTime, readHashes, writeRows } from './scripts';

const WRITE = { eventTimeField: '_t', ttlMs: null, index: 'ids' } as const;
const row = (id: string, eventTimeMs: number, value: string) => ({ hash: `h:${id}`, id, eventTimeMs, set: ['n', value], unset: [] });

/** Redis's own counts of EVAL and EVALSHA calls. */
async function calls(admin: Redis): Promise<{ eval: number; evalsha: number }> {
  const stats = await admin.info('commandstats');
  const count = (name: string) => Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  return { eval: count('eval'), evalsha: count('evalsha') };
}

/**
 * The scripts' calls on a server of their own (SCRIPT FLUSH): the source goes once per connection
 * (EVAL), EVALSHA after, and a script Redis lost is sent again, alone or in a pipeline.
 */
describe('script calls', () => {
  let server: SpawnedRedis;
  let admin: Redis;
  let redis: RedisClient;

  beforeAll(async () => {
    server = await spawnRedisServer();
    admin = new Redis(server.url);
    redis = createRedisClient(server.url);
  });

  afterAll(async () => {
    await redis.quit();
    admin.disconnect();
    await server.stop();
  });

  it('sends the source once per connection, then EVALSHA, with every argument as built', async () => {
    const before = await calls(admin);
    await expect(writeRows(redis, WRITE, [row('a', 10, '1'), row('b', 10, '2'), row('a', 5, 'old')])).resolves.toEqual([
      WriteCode.Written,
      WriteCode.Written,
      WriteCode.Stale,
    ]);
    await expect(readHashes(redis, [{ keys: ['h:a', 'h:none', 'h:b'], fields: ['n', '_t'] }, { keys: ['h:b'], fields: ['n'] }])).resolves.toBe(
      '[["1","10"],[false,false],["2","10"],["2"]]',
    );
    await expect(advanceTime(redis, 'mark', 7)).resolves.toBe(7);
    await expect(advanceTime(redis, 'mark', 3)).resolves.toBe(7);
    await expect(admin.smembers('ids').then((ids) => ids.sort())).resolves.toEqual(['a', 'b']);
    const after = await calls(admin);
    // Three scripts, each sent whole once on this connection.
    expect(after.eval - before.eval).toBe(3);
    expect(after.evalsha - before.evalsha).toBe(1);
  });

  it('sends a script again when Redis lost it, alone and in a pipeline', async () => {
    await admin.script('FLUSH');
    await expect(readHashes(redis, [{ keys: ['h:a'], fields: ['n'] }])).resolves.toBe('[["1"]]');
    await admin.script('FLUSH');
    const pipeline = redis.pipeline();
    const written = writeRows(pipeline, WRITE, [row('c', 1, '3')]);
    const read = readHashes(pipeline, [{ keys: ['h:c', 'h:a'], fields: ['n'] }]);
    const replies = await pipeline.exec();
    expect(replies).toEqual([
      [null, [WriteCode.Written]],
      [null, '[["3"],["1"]]'],
    ]);
    await expect(Promise.all([written, read])).resolves.toEqual([[WriteCode.Written], '[["3"],["1"]]']);
    await admin.script('FLUSH');
    await expect(advanceTime(redis, 'mark', 9)).resolves.toBe(9);
  });

  it('fails a call with the error Redis answers', async () => {
    await admin.set('h:plain', 'x');
    await expect(writeRows(redis, { ...WRITE, index: 'h:plain' }, [row('d', 1, '4')])).rejects.toThrow(/WRONGTYPE/);
  });
});
