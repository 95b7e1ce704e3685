import { envInt, envNamespace, parseEnv, redisDurability, redisEnv, redisTarget } from '@feature-store/config';
import { LOG_LEVELS, type PinoLevel } from '@feature-store/nest';
import { z } from 'zod';

const ingestorEnv = z.object({
  ...redisEnv(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  REGISTRY_PATH: z.string().default('registry/features.yaml'),
  KEY_NAMESPACE: envNamespace(),
  INGEST_VIEW: z.string().default('user_features'),
  INGEST_SEED_COUNT: envInt(100_000, 0, 100_000_000),
  INGEST_BATCH_SIZE: envInt(500, 1, 100_000),
  INGEST_INTERVAL_MS: envInt(1_000, 0, 3_600_000),
  INGEST_HEARTBEAT_FILE: z.string().optional(),
  INGEST_STREAM_VIEWS: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$/, 'expected view names separated by commas')
    .optional(),
  INGEST_STREAM_GROUP: z.string().min(1).default('feature-store'),
  INGEST_CLAIM_IDLE_MS: envInt(30_000, 0, 86_400_000),
  INGEST_LOG_INTERVAL_MS: envInt(5_000, 100, 3_600_000),
  INGEST_COMMAND_TIMEOUT_MS: envInt(10_000, 1, 600_000),
  INGEST_METRICS_PORT: envInt(9464, 0, 65_535),
  INGEST_METRICS_HOST: z.string().default('0.0.0.0'),
});

export interface IngestorConfig {
  /** REDIS_URL, or the seed nodes of REDIS_CLUSTER_NODES (a Redis Cluster). */
  readonly redisTarget: string | readonly string[];
  /** Replicas each write waits for (REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT_MS); none by default. */
  readonly durability: { readonly replicas: number; readonly timeoutMs: number } | undefined;
  /** pino level of the JSON logs on stdout. */
  readonly logLevel: PinoLevel;
  readonly registryPath: string;
  readonly namespace: string;
  /** The feature view the simulator writes. */
  readonly view: string;
  /** Ids seeded before updates start: "<entity>00000" upwards. */
  readonly seedCount: number;
  /** Rows per update batch. */
  readonly batchSize: number;
  /** Pause between update batches. */
  readonly intervalMs: number;
  /** Touched after every batch when set, for container health checks. */
  readonly heartbeatFile: string | null;
  /** Views whose streams are consumed; null: every view of the registry. */
  readonly streamViews: readonly string[] | null;
  readonly streamGroup: string;
  /** Entries pending this long on another consumer are taken over. */
  readonly claimIdleMs: number;
  /** How often stream throughput and lag are logged. */
  readonly logIntervalMs: number;
  /** A Redis command (a whole write pipeline included) not answered within this is retried. */
  readonly redisCommandTimeoutMs: number;
  /** GET /metrics is served here by the long-running modes; 0: not served. */
  readonly metricsPort: number;
  readonly metricsHost: string;
}

export const INGESTOR_CONFIG = Symbol('INGESTOR_CONFIG');

/** @throws ConfigError naming each invalid variable. */
export function loadIngestorConfig(env: NodeJS.ProcessEnv): IngestorConfig {
  const parsed = parseEnv(ingestorEnv, env);
  return {
    redisTarget: redisTarget(parsed, 'redis://127.0.0.1:6379'),
    durability: redisDurability(parsed),
    logLevel: parsed.LOG_LEVEL,
    registryPath: parsed.REGISTRY_PATH,
    namespace: parsed.KEY_NAMESPACE,
    view: parsed.INGEST_VIEW,
    seedCount: parsed.INGEST_SEED_COUNT,
    batchSize: parsed.INGEST_BATCH_SIZE,
    intervalMs: parsed.INGEST_INTERVAL_MS,
    heartbeatFile: parsed.INGEST_HEARTBEAT_FILE ?? null,
    streamViews: parsed.INGEST_STREAM_VIEWS?.split(',') ?? null,
    streamGroup: parsed.INGEST_STREAM_GROUP,
    claimIdleMs: parsed.INGEST_CLAIM_IDLE_MS,
    logIntervalMs: parsed.INGEST_LOG_INTERVAL_MS,
    redisCommandTimeoutMs: parsed.INGEST_COMMAND_TIMEOUT_MS,
    metricsPort: parsed.INGEST_METRICS_PORT,
    metricsHost: parsed.INGEST_METRICS_HOST,
  };
}
