import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import type { KeySchema } from '../keys/key-schema';
import type { RedisClient } from '../redis/create-redis-client';
import { sismember } from '../redis/flat-command';
import { pipelineReply, redisCall } from '../redis/redis-call';
import { type HashGroup, type WriteCode, advanceTime } from '../redis/scripts';
import type { Backend, BackendWrite, RawValues, SetMember } from './backend';

/** `WAIT <replicas> <timeoutMs>` after writes: see `FeatureStoreOptions.durability`. */
export interface Durability {
  readonly replicas: number;
  readonly timeoutMs: number;
}

/** What the two topologies share: the commands that address one key each, alike on both. */
export abstract class RedisBackend implements Backend {
  constructor(
    protected readonly redis: RedisClient,
    readonly keys: KeySchema,
    protected readonly durability: Durability | undefined,
  ) {}

  abstract read(groups: readonly HashGroup[]): Promise<RawValues[][]>;
  abstract write(write: BackendWrite): Promise<WriteCode[]>;
  abstract ping(): Promise<void>;

  /**
   * One SMISMEMBER per set, all sent at once (one round trip; on a cluster, to each set's node).
   * One member is one SISMEMBER without an async frame: the original single read's activity gate
   * is on the hot path.
   */
  isMember(members: readonly SetMember[]): Promise<boolean[]> {
    if (members.length !== 1) return this.isMemberOfSets(members);
    const { set, member } = members[0]!;
    return redisCall(() => sismember(this.redis, set, member)).then((reply) => [reply === 1]);
  }

  private async isMemberOfSets(members: readonly SetMember[]): Promise<boolean[]> {
    const bySet = groupBy(members.keys(), (index) => members[index]!.set);
    const found = new Array<boolean>(members.length);
    await Promise.all(
      [...bySet].map(async ([set, indexes]) => {
        const reply = await redisCall(() => this.redis.smismember(set, ...indexes.map((index) => members[index]!.member)));
        indexes.forEach((index, position) => (found[index] = reply[position] === 1));
      }),
    );
    return found;
  }

  async count(sets: readonly string[]): Promise<number> {
    const counts = await Promise.all(sets.map((set) => redisCall(() => this.redis.scard(set))));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async time(key: string): Promise<number | null> {
    const stored = await redisCall(() => this.redis.get(key));
    return stored === null ? null : Number(stored);
  }

  advanceTime(key: string, ms: number): Promise<number> {
    return redisCall(() => advanceTime(this.redis, key, ms));
  }

  async addCounts(key: string, counts: Readonly<Record<string, number>>): Promise<void> {
    const fields = Object.entries(counts);
    if (fields.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [field, count] of fields) pipeline.hincrby(key, field, count);
    const replies = await redisCall(() => pipeline.exec());
    fields.forEach((_, index) => pipelineReply<number>(replies, index));
  }

  async counts(key: string): Promise<Record<string, number>> {
    const stored = await redisCall(() => this.redis.hgetall(key));
    return Object.fromEntries(Object.entries(stored).map(([field, count]) => [field, Number(count)]));
  }

  async append(stream: string, entries: readonly (readonly string[])[], maxLength?: number): Promise<string[]> {
    if (entries.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const fields of entries) {
      if (maxLength === undefined) pipeline.xadd(stream, '*', ...fields);
      else pipeline.xadd(stream, 'MAXLEN', '~', maxLength, '*', ...fields);
    }
    const replies = await redisCall(() => pipeline.exec());
    return entries.map((_, index) => pipelineReply<string>(replies, index));
  }
}

/** Items grouped by key, each group in input order. */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Consecutive slices of at most `size` items. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Rows per write script call: few commands, and no single call holds Redis long enough to delay readers. */
export const WRITE_CHUNK = 100;

/** Fails with `NOT_REPLICATED` when fewer replicas than required acknowledged the writes. */
export function checkReplicated(acknowledged: number, durability: Durability): void {
  if (acknowledged >= durability.replicas) return;
  throw new FeatureStoreError(
    FeatureStoreErrorCode.NotReplicated,
    `Redis: the write was applied but only ${acknowledged} of ${durability.replicas} replica(s) acknowledged it within ` +
      `${durability.timeoutMs} ms; it may be lost if the master fails: write it again (a replay changes nothing)`,
  );
}
