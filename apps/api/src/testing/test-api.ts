import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FeatureStore, type RedisClient, Registry, createRedisClient } from '@feature-store/core';
import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { join } from 'node:path';
import { loadApiConfig } from '../app/api-config';
import { createApp } from '../app/create-app';

export const REGISTRY_PATH = join(__dirname, '../../../../registry/features.yaml');
/** The default registry with the near-cache on (user_features). */
export const NEAR_CACHE_REGISTRY_PATH = join(__dirname, '../../../../registry/examples/near-cache.yaml');
/** Feast's quickstart as a registry: an int join key, a composite key, a feature service, push sources. */
export const FEAST_REGISTRY_PATH = join(__dirname, '../../../../registry/examples/feast-driver.yaml');

export interface TestApi {
  readonly app: NestFastifyApplication;
  /** A store on the same Redis and namespace, to arrange data and check writes. */
  readonly store: FeatureStore;
  readonly redis: RedisClient;
  readonly namespace: string;
  /** Sends a request; an object payload goes as JSON (with its content type unless `headers` names one). */
  request(method: 'GET' | 'POST', url: string, payload?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

/** What the specs read of an injected response. */
export interface TestResponse {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted, not typed
  json(): any;
}

/**
 * The API as `main.ts` builds it (Fastify adapter, filters, pipes, guard), on a private Redis
 * (or REDIS_URL, or the `server` given) under a fresh key namespace; requests go through
 * Fastify's `inject`. `close()` stops the server only when it started it.
 */
export async function startTestApi(env: Record<string, string> = {}, given?: TestRedis): Promise<TestApi> {
  const server = given ?? (await redisForTests());
  const namespace = uniqueNamespace('api');
  const redis = createRedisClient(server.target);
  const registryPath = env['REGISTRY_PATH'] ?? REGISTRY_PATH;
  const store = new FeatureStore(redis, { registry: Registry.fromFile(registryPath), namespace });
  const app = await createApp(
    loadApiConfig({ ...server.env, REGISTRY_PATH: registryPath, KEY_NAMESPACE: namespace, LOG_LEVEL: 'warn', ...env }),
  );
  const fastify = app.getHttpAdapter().getInstance();
  const api: TestApi = {
    app,
    store,
    redis,
    namespace,
    request: (method, url, payload, headers = {}) =>
      fastify.inject({
        method,
        url,
        headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
        payload: typeof payload === 'string' || payload === undefined ? payload : JSON.stringify(payload),
      }),
    close: async () => {
      await app.close();
      await deleteNamespace(redis, namespace);
      await redis.quit();
      if (!given) await server.stop();
    },
  };
  return api;
}
