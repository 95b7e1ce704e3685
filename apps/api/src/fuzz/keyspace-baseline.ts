import type { RedisClient } from '@feature-store/core';
import { namespaceKeys } from '@feature-store/testing';
import { isDeepStrictEqual } from 'node:util';
import { type ApiFuzzer, type StoredRow, parseStoredRow, show } from './api-fuzz.oracle';

/** One key as a snapshot holds it: type, ttl (PTTL) and value. */
interface KeySnapshot {
  readonly type: string;
  readonly ttl: number;
  readonly value: unknown;
}

/** Keys starting with `prefix`, on every master of a cluster. */
const scanKeys = async (redis: RedisClient, prefix: string) => (await namespaceKeys(redis, prefix)).flat();

/** Keys in a single server, or in every master of a cluster. */
async function dbsize(redis: RedisClient): Promise<number> {
  const sizes = await Promise.all('nodes' in redis ? redis.nodes('master').map((node) => node.dbsize()) : [redis.dbsize()]);
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** One command per key (any key may live on any node of a cluster). */
async function snapshotKeys(redis: RedisClient, keys: readonly string[]): Promise<Map<string, KeySnapshot>> {
  const read = (key: string, type: string): Promise<unknown> => {
    switch (type) {
      case 'string':
        return redis.get(key);
      case 'hash':
        return redis.hgetall(key);
      case 'set':
        return redis.smembers(key).then((members) => members.sort());
      case 'list':
        return redis.lrange(key, 0, -1);
      case 'zset':
        return redis.zrange(key, '0', '-1', 'WITHSCORES');
      case 'stream':
        return redis.xrange(key, '-', '+');
      default:
        return Promise.resolve(type);
    }
  };
  return new Map(
    await Promise.all(
      keys.map(async (key): Promise<[string, KeySnapshot]> => {
        const [type, ttl] = await Promise.all([redis.type(key), redis.pttl(key)]);
        return [key, { type, ttl, value: await read(key, type) }];
      }),
    ),
  );
}

/**
 * Redis before a fuzz run: every key of the API's namespace (type, ttl, value) and the keys
 * outside it. `problems` lists what differs beyond the hashes that accepted pushes wrote (which
 * must hold what the fuzzer's model says) and the entity's index set (which may only gain the
 * ids of accepted pushes, and holds every id the model saw written).
 */
export class KeyspaceBaseline {
  private constructor(
    private readonly namespace: string,
    private readonly namespaceKeys: ReadonlyMap<string, KeySnapshot>,
    private readonly outsideKeys: ReadonlySet<string>,
  ) {}

  static async take(redis: RedisClient, namespace: string): Promise<KeyspaceBaseline> {
    const keys = await scanKeys(redis, namespace);
    const outside = (await scanKeys(redis, '')).filter((key) => !key.startsWith(namespace));
    return new KeyspaceBaseline(namespace, await snapshotKeys(redis, keys), new Set(outside));
  }

  async problems(fuzzer: ApiFuzzer): Promise<string[]> {
    const { redis } = fuzzer.api;
    const keys = await scanKeys(redis, this.namespace);
    const now = await snapshotKeys(redis, keys);
    const allowed = new Map([...fuzzer.allowedIds].map((id) => [fuzzer.hashKey(id), id]));
    const index = new Set(fuzzer.indexKeys);
    const problems: string[] = [];
    for (const [key, before] of this.namespaceKeys) {
      if (allowed.has(key) || index.has(key)) continue;
      if (!isDeepStrictEqual(now.get(key), before)) problems.push(`${key} changed: ${show(before)} -> ${show(now.get(key))}`);
    }
    for (const [key, after] of now) {
      const expected = this.namespaceKeys.has(key) || allowed.has(key) || index.has(key);
      if (!expected) problems.push(`unexpected key ${show(key)}: ${show(after)}`);
    }
    for (const [key, id] of allowed) problems.push(...this.allowedHashProblems(key, now.get(key), fuzzer.rows.get(id)));
    problems.push(...this.indexProblems(fuzzer, now));
    const outside = (await scanKeys(redis, '')).filter((key) => !key.startsWith(this.namespace));
    const created = outside.filter((key) => !this.outsideKeys.has(key));
    // On a shared Redis (REDIS_URL, REDIS_CLUSTER_NODES), other suites create keys under their own
    // "test:" namespaces meanwhile.
    const shared = Boolean(process.env['REDIS_URL'] || process.env['REDIS_CLUSTER_NODES']);
    for (const key of created) {
      if (!shared || !key.startsWith('test:')) problems.push(`key ${show(key)} created outside the namespace`);
    }
    if (!shared) {
      const size = await dbsize(redis);
      const scanned = keys.length + outside.length;
      if (size !== scanned) problems.push(`DBSIZE ${size}, but ${scanned} keys scanned`);
    }
    return problems;
  }

  /** A hash an accepted push may have written: absent, or a hash without ttl holding the model's row. */
  private allowedHashProblems(key: string, after: KeySnapshot | undefined, row: StoredRow | undefined): string[] {
    if (!after) return row ? [`${key} is gone`] : [];
    if (after.type !== 'hash') return [`${key} is a ${after.type}`];
    const parsed = parseStoredRow(after.value as Record<string, string>);
    const problems = parsed.problems.map((problem) => `${key}: ${problem}`);
    if (after.ttl !== -1) problems.push(`${key} has a ttl`);
    if (!isDeepStrictEqual(parsed.row, row ?? null)) problems.push(`${key} holds ${show(parsed.row)}, the model ${show(row)}`);
    return problems;
  }

  /** The index sets (one, or a cluster's buckets) as a whole: ids may join by accepted pushes only. */
  private indexProblems(fuzzer: ApiFuzzer, now: ReadonlyMap<string, KeySnapshot>): string[] {
    const problems: string[] = [];
    const before = new Set<string>();
    const members = new Set<string>();
    for (const key of fuzzer.indexKeys) {
      for (const member of (this.namespaceKeys.get(key)?.value as string[] | undefined) ?? []) before.add(member);
      const after = now.get(key);
      if (after && (after.type !== 'set' || after.ttl !== -1)) problems.push(`${key} is a ${after.type} with ttl ${after.ttl}`);
      if (after?.type === 'set') for (const member of after.value as string[]) members.add(member);
    }
    for (const member of before) if (!members.has(member)) problems.push(`${show(member)} left the index`);
    for (const member of members) {
      if (before.has(member) || fuzzer.allowedIds.has(member)) continue;
      problems.push(`${show(member)} joined the index without an accepted push`);
    }
    for (const id of fuzzer.writtenIds) if (!members.has(id)) problems.push(`${show(id)} was written but is not in the index`);
    return problems;
  }
}
