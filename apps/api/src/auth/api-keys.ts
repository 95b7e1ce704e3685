import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const SCOPES = ['read', 'write'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  /** Shown in logs instead of the key. */
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
  /** SHA-256 of the key: keys are compared as digests, in constant time. */
  readonly digest: Buffer;
}

const MIN_KEY_LENGTH = 16;

const keyFileSchema = z.object({
  keys: z.array(
    z.strictObject({
      name: z.string().min(1),
      key: z.string().min(MIN_KEY_LENGTH, `keys are at least ${MIN_KEY_LENGTH} characters`),
      scopes: z.array(z.enum(SCOPES)).min(1),
    }),
  ),
});

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/**
 * Parses API_KEYS: entries separated by commas, each `<name>:<key>:<scope>[+<scope>]`, e.g.
 * `ingest:0123456789abcdef:read+write,model:fedcba9876543210:read`.
 * @throws Error naming the entry by position (never showing the key).
 */
export function parseApiKeys(text: string): ApiKey[] {
  return text
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry, index) => {
      const [name, key, scopes, ...rest] = entry.trim().split(':');
      const scopeList = (scopes ?? '').split('+');
      if (!name || !key || rest.length > 0 || !scopeList.every((scope) => (SCOPES as readonly string[]).includes(scope))) {
        throw new Error(`entry ${index + 1}: expected <name>:<key>:<scope>[+<scope>] with scopes read, write`);
      }
      if (key.length < MIN_KEY_LENGTH) throw new Error(`entry ${index + 1} (${name}): keys are at least ${MIN_KEY_LENGTH} characters`);
      return { name, scopes: new Set(scopeList as Scope[]), digest: digest(key) };
    });
}

/**
 * Reads a key file (YAML or JSON): `keys: [{name, key, scopes: [read, write]}]`, for keys
 * mounted as a secret rather than passed in the environment.
 * @throws Error naming the file and the bad entry (never showing the key).
 */
export function readApiKeyFile(path: string): ApiKey[] {
  const parsed = keyFileSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${path}: ${problems.join('; ')}`);
  }
  return parsed.data.keys.map(({ name, key, scopes }) => ({ name, scopes: new Set(scopes), digest: digest(key) }));
}

/** The configured key matching `presented`, comparing against every key in constant time. */
export function findApiKey(keys: readonly ApiKey[], presented: string): ApiKey | null {
  const presentedDigest = digest(presented);
  let match: ApiKey | null = null;
  for (const key of keys) {
    if (timingSafeEqual(key.digest, presentedDigest)) match = key;
  }
  return match;
}
