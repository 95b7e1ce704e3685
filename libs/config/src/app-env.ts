import { z } from 'zod';
import { envBool, envInt, envNamespace, envOptionalInt, envRedisClusterNodes, envRedisUrl } from './env';
import { defineEnv, variable } from './env-definition';

/** Levels of the JSON log lines (pino's). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const viewList = () =>
  z
    .string()
    .regex(/^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$/, 'expected view names separated by commas')
    .transform((names) => names.split(','))
    .optional();

/** What both apps read: where Redis is, how durable writes are, the registry, the key namespace, the log level. */
const shared = {
  LOG_LEVEL: variable(z.enum(LOG_LEVELS).default('info'), 'Level of the JSON log lines on stdout: fatal, error, warn, info, debug, trace.'),
  REDIS_URL: variable(
    envRedisUrl().optional(),
    'Redis to serve from: redis[s]://[user:password@]host:port[/db]; rediss:// for TLS (docker compose uses its own redis service).',
    'redis://127.0.0.1:6379',
  ),
  REDIS_CLUSTER_NODES: variable(
    envRedisClusterNodes().optional(),
    "A Redis Cluster's seed nodes instead of REDIS_URL: comma-separated host:port or redis://[:password@]host:port (the first one's credentials apply to all). Set it or REDIS_URL, not both.",
  ),
  REDIS_WAIT_REPLICAS: variable(
    envInt(0, 0, 16),
    'Writes (pushes, the ingestor) are acknowledged once this many replicas of each master written have them (WAIT); 0: at once.',
  ),
  REDIS_WAIT_TIMEOUT_MS: variable(
    envInt(100, 1, 60_000),
    'How long a write waits for those replicas before failing (503 NOT_REPLICATED; writing it again is harmless), in milliseconds.',
  ),
  REGISTRY_PATH: variable(z.string().default('registry/features.yaml'), 'Feature registry file, relative to the working directory (in the images: /app).'),
  KEY_NAMESPACE: variable(envNamespace(), 'Prefix of every Redis key, ending with ":" (e.g. tenant-a:); empty keeps the original key layout.'),
};

/** The API's environment (apps/api). */
export const API_ENV = defineEnv('api', {
  PORT: variable(envInt(8000, 1, 65_535), 'Port the API listens on (with docker compose: the host port it is published on).'),
  HOST: variable(
    z.string().default('0.0.0.0'),
    'Interface the API listens on (npm start sets 127.0.0.1 unless HOST is set; the containers listen on 0.0.0.0).',
  ),
  API_WORKERS: variable(
    envInt(1, 1, 256),
    'Processes serving the port (node:cluster): one uses one core. Above 1, a primary forks them and replaces any that dies; GET /metrics sums them all.',
  ),
  ...shared,
  BATCH_MAX_IDS: variable(envInt(1_000, 1, 100_000), 'Largest number of ids (or entity rows) one read request may ask for.'),
  BODY_LIMIT_BYTES: variable(
    envInt(1_048_576, 1_024, 104_857_600),
    'Largest request body the API accepts, in bytes: refused (413) as soon as more arrives.',
  ),
  REQUEST_TIMEOUT_MS: variable(
    envInt(10_000, 100, 600_000),
    'A request (headers and body) not received whole within this is answered 408 and its connection closed, in milliseconds; so is a connection silent that long.',
  ),
  KEEP_ALIVE_TIMEOUT_MS: variable(envInt(5_000, 100, 600_000), 'An idle keep-alive connection is closed after this, in milliseconds.'),
  MAX_CONNECTIONS: variable(
    envInt(1_000, 1, 1_000_000),
    'Open connections the API holds at most (per worker). Past it a new connection takes the place of the one waiting longest without a request being answered (stalled part-way, or idle), or is closed at once when every one is being answered. With BODY_LIMIT_BYTES it bounds the memory bodies in flight take.',
  ),
  HEALTH_TIMEOUT_MS: variable(envInt(500, 10, 60_000), 'How long GET /health waits for Redis to answer PING before answering 503, in milliseconds.'),
  REDIS_COMMAND_TIMEOUT_MS: variable(
    envOptionalInt(1, 60_000),
    'A Redis command not answered within this fails the request with 503 (no request hangs), in milliseconds; on a cluster it must outlast a failover (2-3 s).',
    '100; 5000 with REDIS_CLUSTER_NODES',
  ),
  SHUTDOWN_TIMEOUT_MS: variable(
    envInt(10_000, 100, 600_000),
    'After SIGTERM, in-flight requests get this long to finish before the process exits anyway, in milliseconds.',
  ),
  PUSH_MAX_ROWS: variable(envInt(1_000, 1, 100_000), 'Largest number of rows one push request (/v1/push, /push, /write-to-online-store) may carry.'),
  API_KEYS: variable(
    z.string().default(''),
    'API keys: comma-separated <name>:<key>:<scope>[+<scope>] (scopes read, write; keys of 16+ characters). Pushes need a key with the write scope.',
  ),
  API_KEYS_FILE: variable(z.string().optional(), 'A YAML or JSON file of keys, e.g. a mounted secret: keys: [{name, key, scopes: [read, write]}].'),
  READS_REQUIRE_KEY: variable(envBool(false), 'true: reads need a key with the read scope too; false: reads are open.'),
  PUSH_RATE_LIMIT: variable(
    envInt(0, 0, 1_000_000),
    'Push requests a second per API key and per worker (bursts of as many); past it 429 with Retry-After. 0: no limit.',
  ),
  CONSOLE_DIR: variable(
    z.string().default('dist/apps/console'),
    'Folder of the built web console (npx nx run console:build), served at /ui, relative to the working directory (the API image sets console, in /app); without its index.html /ui answers 404.',
  ),
  INGESTOR_METRICS_URL: variable(
    z
      .union([z.literal('off'), z.url({ protocol: /^https?$/, error: 'expected off or an http(s) URL' })])
      .default('http://127.0.0.1:9464/metrics'),
    "The ingestor's GET /metrics, read every 5 s for the console's rows per second by source (npm start points it at its ingestor); off: not read.",
  ),
});

/** The ingestor's environment (apps/ingestor). */
export const INGESTOR_ENV = defineEnv('ingestor', {
  ...shared,
  INGEST_VIEW: variable(viewList(), 'Feature views the simulator writes, comma-separated; empty: every view of the registry.'),
  INGEST_SEED_COUNT: variable(envInt(100_000, 0, 100_000_000), 'Entity keys seeded per view at start (only those missing are written).'),
  INGEST_BATCH_SIZE: variable(envInt(500, 1, 100_000), 'Random keys updated per batch.'),
  INGEST_INTERVAL_MS: variable(envInt(1_000, 0, 3_600_000), 'Pause between two update batches, in milliseconds.'),
  INGEST_HEARTBEAT_FILE: variable(
    z.string().optional(),
    'File touched after every batch for a health check; empty writes none (the image sets /tmp/ingestor-heartbeat).',
  ),
  INGEST_STREAM_VIEWS: variable(viewList(), 'Views whose streams (stream:<view>) are consumed, comma-separated; empty: every view of the registry.'),
  INGEST_STREAM_GROUP: variable(
    z.string().min(1).default('feature-store'),
    'Consumer group of the ingestors; several ingestors in one group share the streams.',
  ),
  INGEST_CLAIM_IDLE_MS: variable(
    envInt(30_000, 0, 86_400_000),
    'Entries left pending this long by a dead consumer are claimed by a live one, in milliseconds.',
  ),
  INGEST_LOG_INTERVAL_MS: variable(
    envInt(5_000, 100, 3_600_000),
    'How often stream throughput and lag are logged, the streams trimmed and their health judged, in milliseconds.',
  ),
  INGEST_STREAM_MAX_LENGTH: variable(
    envInt(100_000, 1, 1_000_000_000),
    "About this many entries are kept in each view's stream and dead-letter stream; entries a consumer group has not acknowledged are never dropped.",
  ),
  INGEST_STREAM_MAX_AGE_MS: variable(
    envInt(604_800_000, 0, 31_536_000_000),
    'Stream and dead-letter entries older than this are dropped (once acknowledged), in milliseconds; 0: no age limit.',
  ),
  INGEST_STALL_MS: variable(
    envInt(60_000, 1_000, 86_400_000),
    "A view whose stream has entries waiting but was not consumed for this long makes the ingestor unhealthy (heartbeat file and GET /health stop), in milliseconds.",
  ),
  INGEST_COMMAND_TIMEOUT_MS: variable(
    envInt(10_000, 1, 600_000),
    'A Redis call (a whole write pipeline included) not answered within this is retried, in milliseconds.',
  ),
  INGEST_METRICS_PORT: variable(envInt(9464, 0, 65_535), "Port of the ingestor's GET /metrics (Prometheus); 0: not served."),
  INGEST_METRICS_HOST: variable(
    z.string().default('0.0.0.0'),
    "Interface the ingestor's metrics endpoint listens on (npm start sets 127.0.0.1 unless it is set).",
  ),
});

/** What `npm start` (tools/start) reads besides the apps' variables. */
export const START_ENV = defineEnv('npm start', {
  START_REDIS: variable(
    z.enum(['auto', 'never']).default('auto'),
    'auto: start a local redis-server (when redis-server is on the PATH) if nothing answers at a local REDIS_URL; never: do not start one.',
  ),
  REDIS_DATA_DIR: variable(z.string().default('.data/redis'), 'Data folder of the redis-server that npm start starts (git-ignored).'),
});

/** What docker-compose.yml reads (its ${...}) besides the apps' variables. */
export const COMPOSE_ENV = defineEnv('docker compose', {
  REDIS_PASSWORD: variable(
    z.string().optional(),
    "Password of the compose stack's Redis and cluster nodes (requirepass); the apps' Redis URLs there carry it. Empty: none.",
  ),
  REDIS_CLUSTER_COMMAND_TIMEOUT_MS: variable(
    envInt(5_000, 1, 60_000),
    "REDIS_COMMAND_TIMEOUT_MS of the cluster profile's API (api-cluster), in milliseconds: requests wait through a failover (2-3 s).",
  ),
});

/** Every program's variables, in the order the docs list them. */
export const ALL_ENV = [API_ENV, INGESTOR_ENV, START_ENV, COMPOSE_ENV] as const;
