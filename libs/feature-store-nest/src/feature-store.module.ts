import { type DynamicModule, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  type Durability,
  FeatureStore,
  type RedisClient,
  Registry,
  createRedisClient,
} from '@feature-store/core';

export interface FeatureStoreModuleOptions {
  /** A redis:// or rediss:// URL, or a Redis Cluster's seed nodes (see `createRedisClient`). */
  readonly redisTarget: string | readonly string[];
  /** Path of the registry file (YAML or JSON); it is loaded and validated at boot. */
  readonly registryPath: string;
  /** Key namespace; "" keeps the original layout. */
  readonly namespace: string;
  /** Shown by CLIENT LIST: tells the api's connections from the ingestor's. */
  readonly connectionName: string;
  /**
   * A Redis command not answered within this fails (`REDIS_ERROR`). While disconnected, commands
   * fail at once rather than queue: an app answers quickly and its memory cannot grow unbounded.
   */
  readonly redisCommandTimeoutMs: number;
  /** How long boot waits for the first connection; the app starts anyway (and reports not ready). */
  readonly connectWaitMs?: number;
  /** Writes wait for this many replicas (see `FeatureStoreOptions.durability`); none by default. */
  readonly durability?: Durability;
  /** The commands of one event-loop turn leave in one socket write (see `RedisClientOptions.coalesceWrites`). */
  readonly coalesceWrites?: boolean;
  /** Told when the store stops sending to a Redis that does not answer, and when it sends again (see `CircuitBreaker`). */
  readonly onCircuitChange?: (open: boolean) => void;
}

/** Injection token of the Redis client the store uses. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** Connection errors repeat while Redis is down: each distinct message is logged once per this. */
const ERROR_LOG_INTERVAL_MS = 10_000;

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  /** QUIT lets in-flight replies arrive; a client that cannot QUIT (disconnected) is dropped. */
  async onApplicationShutdown(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}

async function connectedClient(options: FeatureStoreModuleOptions): Promise<RedisClient> {
  const logger = new Logger('Redis');
  const client = createRedisClient(options.redisTarget, {
    connectionName: options.connectionName,
    commandTimeoutMs: options.redisCommandTimeoutMs,
    failFastWhenDisconnected: true,
    coalesceWrites: options.coalesceWrites ?? false,
  });
  const lastLogged = new Map<string, number>();
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - (lastLogged.get(error.message) ?? 0) < ERROR_LOG_INTERVAL_MS) return;
    lastLogged.set(error.message, now);
    logger.warn(`Redis connection error: ${error.message}`);
  });
  client.on('ready', () => {
    if (lastLogged.size > 0) logger.log('Redis connection ready');
    lastLogged.clear();
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, options.connectWaitMs ?? 2_000);
    client.once('ready', done);
    function done() {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    }
  });
  return client;
}

/** Logs the store's circuit breaker opening and closing, and tells the application. */
function circuitChanged(open: boolean, cause: Error | null, options: FeatureStoreModuleOptions): void {
  const logger = new Logger('Redis');
  if (open) logger.warn(`Redis does not answer (${cause?.message ?? 'unknown'}): failing calls at once and dropping queued commands until it does`);
  else logger.log('Redis answers again: serving');
  options.onCircuitChange?.(open);
}

/**
 * Provides one `FeatureStore` (and its Redis client) to a whole Nest application; the store stops
 * sending to a Redis that does not answer (its circuit breaker), so neither app piles up commands.
 */
@Module({})
export class FeatureStoreModule {
  static forRoot(options: FeatureStoreModuleOptions): DynamicModule {
    return {
      module: FeatureStoreModule,
      global: true,
      providers: [
        { provide: REDIS_CLIENT, useFactory: () => connectedClient(options) },
        {
          provide: FeatureStore,
          useFactory: (redis: RedisClient) =>
            new FeatureStore(redis, {
              registry: Registry.fromFile(options.registryPath),
              namespace: options.namespace,
              durability: options.durability,
              circuitBreaker: { onChange: (open, cause) => circuitChanged(open, cause, options) },
            }),
          inject: [REDIS_CLIENT],
        },
        RedisLifecycle,
      ],
      exports: [FeatureStore, REDIS_CLIENT],
    };
  }
}
