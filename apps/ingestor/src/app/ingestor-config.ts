import { envInt, envNamespace, envRedisUrl, parseEnv } from '@feature-store/config';
import { z } from 'zod';

const ingestorEnv = z.object({
  REDIS_URL: envRedisUrl('redis://127.0.0.1:6379'),
  REGISTRY_PATH: z.string().default('registry/features.yaml'),
  KEY_NAMESPACE: envNamespace(),
  INGEST_VIEW: z.string().default('user_features'),
  INGEST_SEED_COUNT: envInt(100_000, 0, 100_000_000),
  INGEST_BATCH_SIZE: envInt(500, 1, 100_000),
  INGEST_INTERVAL_MS: envInt(1_000, 0, 3_600_000),
  INGEST_HEARTBEAT_FILE: z.string().optional(),
});

export interface IngestorConfig {
  readonly redisUrl: string;
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
}

export const INGESTOR_CONFIG = Symbol('INGESTOR_CONFIG');

/** @throws ConfigError naming each invalid variable. */
export function loadIngestorConfig(env: NodeJS.ProcessEnv): IngestorConfig {
  const parsed = parseEnv(ingestorEnv, env);
  return {
    redisUrl: parsed.REDIS_URL,
    registryPath: parsed.REGISTRY_PATH,
    namespace: parsed.KEY_NAMESPACE,
    view: parsed.INGEST_VIEW,
    seedCount: parsed.INGEST_SEED_COUNT,
    batchSize: parsed.INGEST_BATCH_SIZE,
    intervalMs: parsed.INGEST_INTERVAL_MS,
    heartbeatFile: parsed.INGEST_HEARTBEAT_FILE ?? null,
  };
}
