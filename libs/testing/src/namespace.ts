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

/** A Redis Cluster client: each master is scanned on its own. */
export interface ClusterKeyDeleter {
  nodes(role: 'master'): KeyDeleter[];
}

/** Each server (one, or every master of a cluster) with its keys of one namespace. */
async function scanNamespace(redis: KeyDeleter | ClusterKeyDeleter, namespace: string) {
  const servers = 'nodes' in redis ? redis.nodes('master') : [redis];
  const pattern = `${namespace.replace(/[*?[\]\\]/g, '\\$&')}*`;
  return Promise.all(
    servers.map(async (server) => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      return { server, keys };
    }),
  );
}

/** Every key of one namespace, per server (one, or every master of a cluster). */
export async function namespaceKeys(redis: KeyDeleter | ClusterKeyDeleter, namespace: string): Promise<string[][]> {
  return (await scanNamespace(redis, namespace)).map(({ keys }) => keys);
}

/** Deletes the keys of one namespace, and nothing else (one key per command on a cluster). */
export async function deleteNamespace(redis: KeyDeleter | ClusterKeyDeleter, namespace: string): Promise<void> {
  const cluster = 'nodes' in redis;
  await Promise.all(
    (await scanNamespace(redis, namespace)).map(({ server, keys }) => {
      if (keys.length === 0) return undefined;
      // A cluster refuses one UNLINK of keys in several slots, even on one node.
      return cluster ? Promise.all(keys.map((key) => server.unlink(key))) : server.unlink(...keys);
    }),
  );
}
