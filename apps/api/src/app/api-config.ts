import { API_ENV, ConfigError, type EnvValues, redisDurability, redisTarget } from '@feature-store/config';
import { type ApiKey, parseApiKeys, readApiKeyFile } from '../auth/api-keys';

/**
 * The API's configuration: every variable of API_ENV (libs/config, which documents each), by
 * name, and what the API derives from them.
 */
export interface ApiConfig extends EnvValues<typeof API_ENV.variables> {
  /** REDIS_URL, or the seed nodes of REDIS_CLUSTER_NODES (a Redis Cluster). */
  readonly redisTarget: string | readonly string[];
  /** Replicas each write waits for (REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT_MS); none by default. */
  readonly durability: { readonly replicas: number; readonly timeoutMs: number } | undefined;
  /**
   * A Redis command not answered within this fails the request with 503: REDIS_COMMAND_TIMEOUT_MS,
   * else 100 ms, or 5 s on a Redis Cluster, where it must outlast a failover (the client retries a
   * command while a replica takes over, within this one timeout).
   */
  readonly redisCommandTimeoutMs: number;
  /** Keys from API_KEYS and API_KEYS_FILE; writes need one with the write scope. */
  readonly apiKeys: readonly ApiKey[];
}

export const API_CONFIG = Symbol('API_CONFIG');

/** @throws ConfigError naming each invalid variable. */
export function loadApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  const values = API_ENV.parse(env);
  return {
    ...values,
    redisTarget: redisTarget(values, 'redis://127.0.0.1:6379'),
    durability: redisDurability(values),
    redisCommandTimeoutMs: values.REDIS_COMMAND_TIMEOUT_MS ?? (values.REDIS_CLUSTER_NODES ? 5_000 : 100),
    apiKeys: [
      ...named('API_KEYS', () => parseApiKeys(values.API_KEYS)),
      ...(values.API_KEYS_FILE === undefined ? [] : named('API_KEYS_FILE', () => readApiKeyFile(values.API_KEYS_FILE!))),
    ],
  };
}

/** Runs a parser of one variable, reporting its failure as a ConfigError naming the variable. */
function named<T>(variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${variable}: ${(error as Error).message}`);
  }
}
