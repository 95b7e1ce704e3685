import { ConfigError, envBool, envInt, envNamespace, envOptionalInt, parseEnv, redisDurability, redisEnv, redisTarget } from '@feature-store/config';
import { LOG_LEVELS, type PinoLevel } from '@feature-store/nest';
import { z } from 'zod';
import { type ApiKey, parseApiKeys, readApiKeyFile } from '../auth/api-keys';

const apiEnv = z.object({
  PORT: envInt(8000, 1, 65_535),
  HOST: z.string().default('0.0.0.0'),
  API_WORKERS: envInt(1, 1, 256),
  ...redisEnv(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  REGISTRY_PATH: z.string().default('registry/features.yaml'),
  KEY_NAMESPACE: envNamespace(),
  BATCH_MAX_IDS: envInt(1_000, 1, 100_000),
  BODY_LIMIT_BYTES: envInt(1_048_576, 1_024, 104_857_600),
  HEALTH_TIMEOUT_MS: envInt(500, 10, 60_000),
  REDIS_COMMAND_TIMEOUT_MS: envOptionalInt(1, 60_000),
  SHUTDOWN_TIMEOUT_MS: envInt(10_000, 100, 600_000),
  PUSH_MAX_ROWS: envInt(1_000, 1, 100_000),
  API_KEYS: z.string().default(''),
  API_KEYS_FILE: z.string().optional(),
  READS_REQUIRE_KEY: envBool(false),
  PUSH_RATE_LIMIT: envInt(0, 0, 1_000_000),
});

export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  /** Processes serving the port (API_WORKERS); above 1, a primary process runs them (see workers.ts). */
  readonly workers: number;
  /** REDIS_URL, or the seed nodes of REDIS_CLUSTER_NODES (a Redis Cluster). */
  readonly redisTarget: string | readonly string[];
  /** Replicas each write waits for (REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT_MS); none by default. */
  readonly durability: { readonly replicas: number; readonly timeoutMs: number } | undefined;
  /** pino level of the JSON logs on stdout. */
  readonly logLevel: PinoLevel;
  readonly registryPath: string;
  readonly namespace: string;
  /** Largest number of ids one batch request may ask for. */
  readonly batchMaxIds: number;
  readonly bodyLimitBytes: number;
  /** How long GET /health waits for Redis to answer PING before reporting 503. */
  readonly healthTimeoutMs: number;
  /**
   * A Redis command not answered within this fails the request with 503: no request hangs.
   * 100 ms by default; 5 s on a Redis Cluster, where it must outlast a failover (2-3 s): the
   * client retries a command while a replica takes over, within this one timeout.
   */
  readonly redisCommandTimeoutMs: number;
  /** After SIGTERM, in-flight requests get this long to finish before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
  /** Largest number of rows one push request may carry. */
  readonly pushMaxRows: number;
  /** Keys from API_KEYS and API_KEYS_FILE; writes need one with the write scope. */
  readonly apiKeys: readonly ApiKey[];
  /** When true, reads need a key with the read scope too. */
  readonly readsRequireKey: boolean;
  /** Push requests a second per API key (bursts of as many); 0: no limit. */
  readonly pushRateLimit: number;
}

export const API_CONFIG = Symbol('API_CONFIG');

/** @throws ConfigError naming each invalid variable. */
export function loadApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  const parsed = parseEnv(apiEnv, env);
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    workers: parsed.API_WORKERS,
    redisTarget: redisTarget(parsed, 'redis://127.0.0.1:6379'),
    durability: redisDurability(parsed),
    logLevel: parsed.LOG_LEVEL,
    registryPath: parsed.REGISTRY_PATH,
    namespace: parsed.KEY_NAMESPACE,
    batchMaxIds: parsed.BATCH_MAX_IDS,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    healthTimeoutMs: parsed.HEALTH_TIMEOUT_MS,
    redisCommandTimeoutMs: parsed.REDIS_COMMAND_TIMEOUT_MS ?? (parsed.REDIS_CLUSTER_NODES ? 5_000 : 100),
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    pushMaxRows: parsed.PUSH_MAX_ROWS,
    apiKeys: [
      ...named('API_KEYS', () => parseApiKeys(parsed.API_KEYS)),
      ...(parsed.API_KEYS_FILE === undefined ? [] : named('API_KEYS_FILE', () => readApiKeyFile(parsed.API_KEYS_FILE!))),
    ],
    readsRequireKey: parsed.READS_REQUIRE_KEY,
    pushRateLimit: parsed.PUSH_RATE_LIMIT,
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
