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

/** A whole number from the environment, within [min, max], with a default. */
export const envInt = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`)
    .default(fallback);

/** A Redis URL: redis:// or rediss:// (TLS), with optional credentials and database number. */
export const envRedisUrl = (fallback: string) =>
  z
    .string()
    .refine((value) => /^rediss?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
      message: 'expected redis://[user:password@]host:port[/db] or rediss://...',
    })
    .default(fallback);

/** A key namespace prefixed to every Redis key; "" keeps the original layout. */
export const envNamespace = () =>
  z
    .string()
    .regex(/^[^\s*?[\]{}]*$/, 'expected no white space and none of * ? [ ] { }')
    .default('');

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .transform((value) => value === 'true' || value === '1')
    .default(fallback);
