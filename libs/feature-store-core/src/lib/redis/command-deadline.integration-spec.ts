import { type SpawnedRedis, spawnRedisServer } from '@feature-store/testing';
import { Redis } from 'ioredis';
import { COMMAND_TIMED_OUT, withCommandDeadline } from './command-deadline';
import { type RedisClient, createRedisClient, queueingDuplicate } from './create-redis-client';

const DEADLINE_MS = 50;

/** Keeps the process busy (no event loop turn) for `ms`: as a server under a burst of requests. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const outcome = (reply: Promise<unknown>) => reply.then(() => 'answered', (error: Error) => error.message);
const ready = (client: RedisClient) => new Promise((resolve) => client.once('ready', resolve));

describe('command deadline', () => {
  let server: SpawnedRedis;
  const clients: RedisClient[] = [];
  const client = (make: () => RedisClient) => {
    const made = make();
    made.on('error', () => undefined);
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    server = await spawnRedisServer();
  });

  afterEach(() => {
    process.kill(server.process.pid!, 'SIGCONT');
    for (const made of clients.splice(0)) made.disconnect();
  });

  afterAll(() => server.stop());

  // ioredis' own commandTimeout fails these: its timer runs before the loop reads the replies.
  it('serves replies that came in time while the process was busy past the deadline', async () => {
    const redis = client(() => createRedisClient(server.url, { commandTimeoutMs: DEADLINE_MS }));
    await ready(redis);
    const replies = [redis.ping(), redis.echo('one'), redis.pipeline().echo('two').echo('three').exec()];
    busy(4 * DEADLINE_MS);
    await expect(Promise.all(replies)).resolves.toEqual([
      'PONG',
      'one',
      [
        [null, 'two'],
        [null, 'three'],
      ],
    ]);
  });

  it('fails commands of a server that does not answer, alone, pipelined and queued for a connection', async () => {
    const redis = client(() => createRedisClient(server.url, { commandTimeoutMs: DEADLINE_MS }));
    const duplicate = client(() => queueingDuplicate(redis));
    await Promise.all([ready(redis), ready(duplicate)]);
    process.kill(server.process.pid!, 'SIGSTOP');
    const started = performance.now();
    const failures = await Promise.all([
      outcome(redis.ping()),
      // A pipeline resolves with each command's error.
      redis.pipeline().echo('x').exec().then((replies) => replies?.[0]?.[0]?.message ?? 'answered'),
      outcome(duplicate.ping()),
    ]);
    expect(failures).toEqual([COMMAND_TIMED_OUT, COMMAND_TIMED_OUT, COMMAND_TIMED_OUT]);
    // Not a speed bound: what is checked is that they fail at all, long before a hang would end.
    expect(performance.now() - started).toBeLessThan(20 * DEADLINE_MS);
  });

  it('counts from the first send: a command sent again after a reconnection keeps its deadline', async () => {
    const redis = withCommandDeadline(new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 10 }), DEADLINE_MS);
    client(() => redis);
    await ready(redis);
    process.kill(server.process.pid!, 'SIGSTOP');
    const reply = outcome(redis.ping());
    // The connection drops while the command waits: ioredis queues it and sends it again once connected.
    redis.stream.destroy();
    await expect(reply).resolves.toBe(COMMAND_TIMED_OUT);
  });
});
