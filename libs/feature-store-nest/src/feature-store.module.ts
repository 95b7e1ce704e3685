import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { FeatureStore, type RedisClient, Registry, createRedisClient } from '@feature-store/core';

export interface FeatureStoreModuleOptions {
  /** redis:// or rediss:// URL. */
  readonly redisUrl: string;
  /** Path of the registry file (YAML or JSON); it is loaded and validated at boot. */
  readonly registryPath: string;
  /** Key namespace; "" keeps the original layout. */
  readonly namespace: string;
  /** Shown by CLIENT LIST, to tell the api's connections from the ingestor's. */
  readonly connectionName: string;
}

/** Injection token of the Redis client the store uses. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

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

/** Provides one `FeatureStore` (and its Redis client) to a whole Nest application. */
@Module({})
export class FeatureStoreModule {
  static forRoot(options: FeatureStoreModuleOptions): DynamicModule {
    return {
      module: FeatureStoreModule,
      global: true,
      providers: [
        {
          provide: REDIS_CLIENT,
          useFactory: () => createRedisClient(options.redisUrl, { connectionName: options.connectionName }),
        },
        {
          provide: FeatureStore,
          useFactory: (redis: RedisClient) =>
            new FeatureStore(redis, { registry: Registry.fromFile(options.registryPath), namespace: options.namespace }),
          inject: [REDIS_CLIENT],
        },
        RedisLifecycle,
      ],
      exports: [FeatureStore, REDIS_CLIENT],
    };
  }
}
