import { type SpawnedRedis, spawnRedisServer } from '@feature-store/testing';
import { type RedisClient, createRedisClient } from './create-redis-client';
import { hmget, sismember } from './flat-command';

/** The commands made flat answer as ioredis' own methods do, alone and in a pipeline. */
describe('flat commands', () => {
  let server: SpawnedRedis;
  let redis: RedisClient;
  const FIELDS = ['a', 'missing', 'b'];

  beforeAll(async () => {
    server = await spawnRedisServer();
    redis = createRedisClient(server.url);
    await redis.hset('h:1', { a: '1', b: 'two words' });
    await redis.set('not-a-hash', 'x');
    await redis.sadd('ids', '1');
  });

  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  it('HMGET: the values of present fields, null for missing fields and hashes, as ioredis reads them', async () => {
    await expect(hmget(redis, 'h:1', FIELDS)).resolves.toEqual(['1', null, 'two words']);
    await expect(hmget(redis, 'h:none', FIELDS)).resolves.toEqual([null, null, null]);
    await expect(hmget(redis, 'h:1', FIELDS)).resolves.toEqual(await redis.hmget('h:1', ...FIELDS));
    await expect(hmget(redis, 'not-a-hash', FIELDS)).rejects.toThrow(/^WRONGTYPE/);
  });

  it('HMGET in a pipeline: each reply in the pipeline result and from the call; a failed one fails only its entry', async () => {
    const pipeline = redis.pipeline();
    const first = hmget(pipeline, 'h:1', ['b']);
    const failed = hmget(pipeline, 'not-a-hash', ['b']);
    void hmget(pipeline, 'h:none', ['b']);
    const replies = await pipeline.exec();
    expect(replies?.map(([error, result]) => error?.message.slice(0, 9) ?? result)).toEqual([['two words'], 'WRONGTYPE', [null]]);
    await expect(first).resolves.toEqual(['two words']);
    await expect(failed).rejects.toThrow(/^WRONGTYPE/);
  });

  it('SISMEMBER: 1 for a member, 0 otherwise', async () => {
    await expect(sismember(redis, 'ids', '1')).resolves.toBe(1);
    await expect(sismember(redis, 'ids', '2')).resolves.toBe(0);
    await expect(sismember(redis, 'no-set', '1')).resolves.toBe(0);
  });
});
