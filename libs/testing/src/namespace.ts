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

/** Every key of one namespace, on one server or on every master of a cluster. */
export async function namespaceKeys(redis: KeyDeleter | ClusterKeyDeleter, namespace: string): Promise<string[][]> {
  const servers = 'nodes' in redis ? redis.nodes('master') : [redis];
  const pattern = `${namespace.replace(/[*?[\]\\]/g, '\\$&')}*`;
  return Promise.all(
    servers.map(async (server) => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        found.push(...keys);
        cursor = next;
      } while (cursor !== '0');
      return found;
    }),
  );
}

/** Deletes the keys of one namespace, and nothing else (one key per command on a cluster). */
export async function deleteNamespace(redis: KeyDeleter | ClusterKeyDeleter, namespace: string): Promise<void> {
  const servers = 'nodes' in redis ? redis.nodes('master') : [redis];
  const keysByServer = await namespaceKeys(redis, namespace);
  await Promise.all(
    servers.map((server, index) => {
      const keys = keysByServer[index]!;
      if (keys.length === 0) return undefined;
      return 'nodes' in redis ? Promise.all(keys.map((key) => server.unlink(key))) : server.unlink(...keys);
    }),
  );
}
