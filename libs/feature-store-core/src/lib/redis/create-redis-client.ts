import { Redis } from 'ioredis';

/** The client type the library works with; applications use it without importing ioredis. */
export type RedisClient = Redis;

export interface RedisClientOptions {
  /** Shown by CLIENT LIST. */
  readonly connectionName?: string;
  /** A command not answered within this many ms fails with `REDIS_ERROR`; 0 (default): no limit. */
  readonly commandTimeoutMs?: number;
  /**
   * true: while disconnected (including before the first connection is ready), commands fail at
   * once instead of queueing until the connection is back, so a server answers quickly and memory
   * cannot grow without bound. false (default): commands wait for the connection.
   */
  readonly failFastWhenDisconnected?: boolean;
  /** Reconnection attempts back off up to this delay (default 200 ms), forever. */
  readonly maxReconnectDelayMs?: number;
  /** Do not connect before the first command or `connect()` (default false). */
  readonly lazyConnect?: boolean;
}

/**
 * Creates a client for a `redis://` or `rediss://` (TLS) URL, credentials and database in the
 * URL. A command in flight when the connection drops fails instead of being retried; the client
 * reconnects by itself (50 ms, 100 ms, ... up to `maxReconnectDelayMs`). Attach an `error`
 * listener: the client emits connection errors, which the library never logs.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): RedisClient {
  const maxDelay = options.maxReconnectDelayMs ?? 200;
  return new Redis(url, {
    connectionName: options.connectionName,
    lazyConnect: options.lazyConnect ?? false,
    commandTimeout: options.commandTimeoutMs || undefined,
    enableOfflineQueue: !(options.failFastWhenDisconnected ?? false),
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 50, maxDelay),
  });
}
