import { z } from 'zod';

/** Thrown at boot when the environment does not fit; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Environment variables, as a zod schema keyed by variable name. */
export type EnvSchema = z.ZodObject<Record<string, z.ZodType>>;

/**
 * Validates `env` against `schema` once, at boot.
 * @throws ConfigError listing each variable that is invalid, with its expectation.
 */
export function parseEnv<S extends EnvSchema>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

/** A whole number from the environment, within [min, max], or undefined when unset. */
export const envOptionalInt = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`)
    .optional();

/** A whole number from the environment, within [min, max], with a default. */
export const envInt = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  envOptionalInt(min, max).default(fallback);

/** A Redis URL: redis:// or rediss:// (TLS), with optional credentials and database number. */
export const envRedisUrl = () =>
  z.string().refine(isRedisUrl, { message: 'expected redis://[user:password@]host:port[/db] or rediss://...' });

/** Seed nodes of a Redis Cluster, comma-separated: host:port or redis:// / rediss:// URLs. */
export const envRedisClusterNodes = () =>
  z
    .string()
    .transform((value) => value.split(',').map((node) => node.trim()))
    .refine((nodes) => nodes.every((node) => /^[^\s:/@,]+:\d{1,5}$/.test(node) || isRedisUrl(node)), {
      message: 'expected host:port or redis://[user:password@]host:port, separated by commas',
    });

function isRedisUrl(value: string): boolean {
  return /^rediss?:\/\/[^\s]+$/.test(value) && URL.canParse(value);
}

/**
 * The variables naming the Redis (see `redisTarget`) and how durable writes are (see
 * `redisDurability`), to spread into an app's schema.
 */
export const redisEnv = () => ({
  REDIS_URL: envRedisUrl().optional(),
  REDIS_CLUSTER_NODES: envRedisClusterNodes().optional(),
  REDIS_WAIT_REPLICAS: envInt(0, 0, 16),
  REDIS_WAIT_TIMEOUT_MS: envInt(100, 1, 60_000),
});

/**
 * REDIS_WAIT_REPLICAS > 0: writes are acknowledged once that many replicas have them, waiting at
 * most REDIS_WAIT_TIMEOUT_MS; undefined when 0 (the default).
 */
export function redisDurability(parsed: {
  readonly REDIS_WAIT_REPLICAS: number;
  readonly REDIS_WAIT_TIMEOUT_MS: number;
}): { replicas: number; timeoutMs: number } | undefined {
  return parsed.REDIS_WAIT_REPLICAS > 0 ? { replicas: parsed.REDIS_WAIT_REPLICAS, timeoutMs: parsed.REDIS_WAIT_TIMEOUT_MS } : undefined;
}

/**
 * The Redis an app uses, as `createRedisClient` takes it: the seed nodes of REDIS_CLUSTER_NODES
 * (a Redis Cluster), else REDIS_URL, else `fallback`.
 * @throws ConfigError when both are set.
 */
export function redisTarget(
  parsed: { readonly REDIS_URL?: string | undefined; readonly REDIS_CLUSTER_NODES?: string[] | undefined },
  fallback: string,
): string | readonly string[] {
  if (parsed.REDIS_URL !== undefined && parsed.REDIS_CLUSTER_NODES !== undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_CLUSTER_NODES: set REDIS_URL (one server) or REDIS_CLUSTER_NODES (a Redis Cluster), not both',
    );
  }
  return parsed.REDIS_CLUSTER_NODES ?? parsed.REDIS_URL ?? fallback;
}

/**
 * A key namespace prefixed to every Redis key, ending with ":" so that no two namespaces and key
 * names run together; "" keeps the original layout.
 */
export const envNamespace = () =>
  z
    .string()
    .regex(/^[^\s*?[\]{}]*$/, 'expected no white space and none of * ? [ ] { }')
    .regex(/(^$|:$)/, 'expected a namespace ending with ":" (e.g. tenant-a:)')
    .default('');

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .transform((value) => value === 'true' || value === '1')
    .default(fallback);
