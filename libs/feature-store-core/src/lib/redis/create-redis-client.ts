import { Redis, type RedisOptions } from 'ioredis';

/** The client type the library works with; applications use it without importing ioredis. */
export type RedisClient = Redis;

export type RedisClientOptions = Pick<
  RedisOptions,
  'connectionName' | 'lazyConnect' | 'maxRetriesPerRequest' | 'connectTimeout' | 'commandTimeout' | 'retryStrategy'
>;

/**
 * Creates a client for a `redis://` or `rediss://` URL (credentials and database in the URL).
 * Defaults suit a serving path: a command fails after one retry instead of waiting for a
 * reconnection indefinitely.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): RedisClient {
  return new Redis(url, { maxRetriesPerRequest: 1, ...options });
}
