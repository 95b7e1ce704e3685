import type { RedisClient } from '@feature-store/core';
import { isDeepStrictEqual } from 'node:util';
import { type ApiFuzzer, type StoredRow, parseStoredRow, pipelineResult, show } from './api-fuzz.oracle';

/** One key as a snapshot holds it: type, ttl (PTTL) and value. */
interface KeySnapshot {
  readonly type: string;
  readonly ttl: number;
  readonly value: unknown;
}

const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function snapshotKeys(redis: RedisClient, keys: readonly string[]): Promise<Map<string, KeySnapshot>> {
  const meta = redis.pipeline();
  for (const key of keys) meta.type(key).pttl(key);
  const metaReplies = await meta.exec();
  const types = keys.map((_, index) => pipelineResult<string>(metaReplies, index * 2));
  const values = redis.pipeline();
  keys.forEach((key, index) => {
    switch (types[index]) {
      case 'string':
        values.get(key);
        break;
      case 'hash':
        values.hgetall(key);
        break;
      case 'set':
        values.smembers(key);
        break;
      case 'list':
        values.lrange(key, 0, -1);
        break;
      case 'zset':
        values.zrange(key, '0', '-1', 'WITHSCORES');
        break;
      case 'stream':
        values.xrange(key, '-', '+');
        break;
      default:
        values.type(key);
    }
  });
  const valueReplies = await values.exec();
  return new Map(
    keys.map((key, index) => {
      const value = pipelineResult<unknown>(valueReplies, index);
      const type = types[index];
      const ttl = pipelineResult<number>(metaReplies, index * 2 + 1);
      return [key, { type, ttl, value: type === 'set' ? [...(value as string[])].sort() : value }];
    }),
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
    const keys = await scanKeys(redis, `${globEscape(namespace)}*`);
    const outside = (await scanKeys(redis, '*')).filter((key) => !key.startsWith(namespace));
    return new KeyspaceBaseline(namespace, await snapshotKeys(redis, keys), new Set(outside));
  }

  async problems(fuzzer: ApiFuzzer): Promise<string[]> {
    const { redis } = fuzzer.api;
    const keys = await scanKeys(redis, `${globEscape(this.namespace)}*`);
    const now = await snapshotKeys(redis, keys);
    const allowed = new Map([...fuzzer.allowedIds].map((id) => [fuzzer.hashKey(id), id]));
    const index = fuzzer.indexKey;
    const problems: string[] = [];
    for (const [key, before] of this.namespaceKeys) {
      if (allowed.has(key) || key === index) continue;
      if (!isDeepStrictEqual(now.get(key), before)) problems.push(`${key} changed: ${show(before)} -> ${show(now.get(key))}`);
    }
    for (const [key, after] of now) {
      const expected = this.namespaceKeys.has(key) || allowed.has(key) || key === index;
      if (!expected) problems.push(`unexpected key ${show(key)}: ${show(after)}`);
    }
    for (const [key, id] of allowed) problems.push(...this.allowedHashProblems(key, now.get(key), fuzzer.rows.get(id)));
    problems.push(...this.indexProblems(fuzzer, now.get(index)));
    const outside = (await scanKeys(redis, '*')).filter((key) => !key.startsWith(this.namespace));
    const created = outside.filter((key) => !this.outsideKeys.has(key));
    // On a shared server (REDIS_URL), other suites create keys under their own "test:" namespaces meanwhile.
    const shared = process.env['REDIS_URL'] !== undefined && process.env['REDIS_URL'] !== '';
    for (const key of created) {
      if (!shared || !key.startsWith('test:')) problems.push(`key ${show(key)} created outside the namespace`);
    }
    if (!shared) {
      const dbsize = await redis.dbsize();
      const scanned = keys.length + outside.length;
      if (dbsize !== scanned) problems.push(`DBSIZE ${dbsize}, but ${scanned} keys scanned`);
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

  private indexProblems(fuzzer: ApiFuzzer, after: KeySnapshot | undefined): string[] {
    const key = fuzzer.indexKey;
    const before = new Set((this.namespaceKeys.get(key)?.value as string[] | undefined) ?? []);
    const members = new Set(after?.type === 'set' ? (after.value as string[]) : []);
    const problems: string[] = [];
    if (after && (after.type !== 'set' || after.ttl !== -1)) problems.push(`${key} is a ${after.type} with ttl ${after.ttl}`);
    for (const member of before) if (!members.has(member)) problems.push(`${show(member)} left ${key}`);
    for (const member of members) {
      if (before.has(member) || fuzzer.allowedIds.has(member)) continue;
      problems.push(`${show(member)} joined ${key} without an accepted push`);
    }
    for (const id of fuzzer.writtenIds) if (!members.has(id)) problems.push(`${show(id)} was written but is not in ${key}`);
    return problems;
  }
}
