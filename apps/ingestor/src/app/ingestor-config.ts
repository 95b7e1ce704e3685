import { type EnvValues, INGESTOR_ENV, redisDurability, redisTarget } from '@feature-store/config';

/**
 * The ingestor's configuration: every variable of INGESTOR_ENV (libs/config, which documents
 * each), by name, and what the ingestor derives from them.
 */
export interface IngestorConfig extends EnvValues<typeof INGESTOR_ENV.variables> {
  /** REDIS_URL, or the seed nodes of REDIS_CLUSTER_NODES (a Redis Cluster). */
  readonly redisTarget: string | readonly string[];
  /** Replicas each write waits for (REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT_MS); none by default. */
  readonly durability: { readonly replicas: number; readonly timeoutMs: number } | undefined;
}

export const INGESTOR_CONFIG = Symbol('INGESTOR_CONFIG');

/** @throws ConfigError naming each invalid variable. */
export function loadIngestorConfig(env: NodeJS.ProcessEnv): IngestorConfig {
  const values = INGESTOR_ENV.parse(env);
  return { ...values, redisTarget: redisTarget(values, 'redis://127.0.0.1:6379'), durability: redisDurability(values) };
}
