import { envInt, envNamespace, envRedisUrl, parseEnv } from '@feature-store/config';
import { z } from 'zod';

const apiEnv = z.object({
  PORT: envInt(8000, 1, 65_535),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: envRedisUrl('redis://127.0.0.1:6379'),
  REGISTRY_PATH: z.string().default('registry/features.yaml'),
  KEY_NAMESPACE: envNamespace(),
  BATCH_MAX_IDS: envInt(1_000, 1, 100_000),
  BODY_LIMIT_BYTES: envInt(1_048_576, 1_024, 104_857_600),
  HEALTH_TIMEOUT_MS: envInt(500, 10, 60_000),
});

export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  readonly redisUrl: string;
  readonly registryPath: string;
  readonly namespace: string;
  /** Largest number of ids one batch request may ask for. */
  readonly batchMaxIds: number;
  readonly bodyLimitBytes: number;
  /** How long GET /health waits for Redis to answer PING before reporting 503. */
  readonly healthTimeoutMs: number;
}

export const API_CONFIG = Symbol('API_CONFIG');

/** @throws ConfigError naming each invalid variable. */
export function loadApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  const parsed = parseEnv(apiEnv, env);
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    redisUrl: parsed.REDIS_URL,
    registryPath: parsed.REGISTRY_PATH,
    namespace: parsed.KEY_NAMESPACE,
    batchMaxIds: parsed.BATCH_MAX_IDS,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    healthTimeoutMs: parsed.HEALTH_TIMEOUT_MS,
  };
}
