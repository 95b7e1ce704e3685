import { Cluster, type ClusterNode, Redis } from 'ioredis';
import { CoalescingConnector } from './coalesce-writes';
import { withCommandDeadline, withDeadlineOf } from './command-deadline';

/**
 * The client type the library works with (a single server or a Redis Cluster); applications use
 * it without importing ioredis.
 */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** Shown by CLIENT LIST. */
  readonly connectionName?: string;
  /**
   * A command not answered within this many ms fails with `REDIS_ERROR` (see
   * `withCommandDeadline`: a reply that arrived in time while the process was busy still counts);
   * 0 (default): no limit.
   */
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
  /**
   * true: the commands sent in one turn of the event loop (say, those of every request that
   * arrived together) leave in one socket write, so the client and Redis each make one system call
   * for all of them instead of one per command; worth it for a server answering many concurrent
   * requests with a few commands each (the API's reads measured so). false (default): each command
   * is written at once.
   */
  readonly coalesceWrites?: boolean;
}

/**
 * How long a cluster client waits before retrying a command whose node failed or whose slot has
 * no master yet, and how many times: a failover (2-3 s with `cluster-node-timeout 1000`) is
 * waited out instead of failing requests.
 */
const CLUSTER_RETRY_DELAY_MS = 200;
const CLUSTER_MAX_REDIRECTIONS = 50;

/**
 * Creates a client. `target` is a `redis://` or `rediss://` (TLS) URL, credentials and database in
 * the URL; or, for a Redis Cluster, a list of seed nodes (`host:port` or URLs; the credentials
 * and TLS of the first apply to every node).
 *
 * A command in flight when the connection drops fails instead of being retried, except on a
 * cluster, where a command whose node fails is retried every 200 ms while a replica takes over
 * (up to 10 s). The client reconnects by itself (50 ms, 100 ms, ... up to `maxReconnectDelayMs`).
 * Attach an `error` listener: the client emits connection errors, which the library never logs.
 */
export function createRedisClient(target: string | readonly string[], options: RedisClientOptions = {}): RedisClient {
  const maxDelay = options.maxReconnectDelayMs ?? 200;
  const retryStrategy = (attempt: number) => Math.min(attempt * 50, maxDelay);
  const common = {
    connectionName: options.connectionName,
    maxRetriesPerRequest: 0,
    ...(options.coalesceWrites ? { Connector: CoalescingConnector } : {}),
  };
  const enableOfflineQueue = !(options.failFastWhenDisconnected ?? false);
  const lazyConnect = options.lazyConnect ?? false;
  const deadline = <T extends RedisClient>(client: T): T => (options.commandTimeoutMs ? withCommandDeadline(client, options.commandTimeoutMs) : client);
  if (typeof target === 'string') return deadline(new Redis(target, { ...common, lazyConnect, enableOfflineQueue, retryStrategy }));

  const [seeds, auth] = parseSeeds(target);
  const cluster = new Cluster(seeds, {
    lazyConnect,
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy,
    retryDelayOnFailover: CLUSTER_RETRY_DELAY_MS,
    retryDelayOnClusterDown: CLUSTER_RETRY_DELAY_MS,
    retryDelayOnTryAgain: CLUSTER_RETRY_DELAY_MS,
    maxRedirections: CLUSTER_MAX_REDIRECTIONS,
    redisOptions: { ...common, ...auth },
  });
  return deadline(cluster);
}

/** Seed nodes as ioredis takes them, and the credentials / TLS of the first. */
function parseSeeds(nodes: readonly string[]): [ClusterNode[], { username?: string; password?: string; tls?: object }] {
  if (nodes.length === 0) throw new TypeError('a Redis Cluster needs at least one seed node');
  const urls = nodes.map((node) => {
    const url = new URL(/^[a-z]+:\/\//i.test(node) ? node : `redis://${node}`);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new TypeError(`not a redis:// node: ${node}`);
    return url;
  });
  const first = urls[0]!;
  return [
    urls.map((url) => ({ host: url.hostname, port: Number(url.port || 6379) })),
    {
      username: decodeURIComponent(first.username) || undefined,
      password: decodeURIComponent(first.password) || undefined,
      tls: first.protocol === 'rediss:' ? {} : undefined,
    },
  ];
}

/** Another client with the same settings, whose commands wait for the connection to be ready. */
export function queueingDuplicate(redis: RedisClient): RedisClient {
  return withDeadlineOf(redis, redis instanceof Cluster ? redis.duplicate([], { enableOfflineQueue: true }) : redis.duplicate({ enableOfflineQueue: true }));
}
