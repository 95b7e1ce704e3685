import { randomBytes } from 'node:crypto';

/** A key namespace no other suite or run uses, e.g. "test:store:3f9a0c1d:". */
export function uniqueNamespace(suite: string): string {
  return `test:${suite}:${randomBytes(4).toString('hex')}:`;
}

/** The two commands of a Redis client that cleaning up needs. */
export interface KeyDeleter {
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', howMany: number): Promise<[string, string[]]>;
  unlink(...keys: string[]): Promise<number>;
}

/** Deletes the keys of one namespace, and nothing else. */
export async function deleteNamespace(redis: KeyDeleter, namespace: string): Promise<void> {
  const pattern = `${namespace.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
