import { hmget } from '../redis/flat-command';
import { pipelineReply, redisCall, toRedisError } from '../redis/redis-call';
import { type HashGroup, type WriteCode, readHashes, writeRows } from '../redis/scripts';
import { type BackendWrite, type RawValues, WRONG_TYPE } from './backend';
import { parseHashRows } from './hash-rows';
import { RedisBackend, WRITE_CHUNK, chunked, checkReplicated } from './redis-backend';

/**
 * The most bytes one read-script call may have to build: a read that could need more is split
 * into several calls (pipelined, one round trip), so Redis serves other clients between them
 * instead of building one huge reply.
 */
export const MAX_SCRIPT_REPLY_BYTES = 8 * 1_024 * 1_024;

/**
 * One Redis server: a read is one command (HMGET for one key, else one script call for every
 * key, or a few when their replies could be large); a write is one pipeline of script calls,
 * each writing its rows and indexing their ids.
 */
export class SingleServerBackend extends RedisBackend {
  read(groups: readonly HashGroup[]): Promise<RawValues[][]> {
    if (groups.length === 1 && groups[0]!.keys.length === 1) {
      const { keys, fields } = groups[0]!;
      return this.hmget(keys[0]!, fields).then((values) => [[values]]);
    }
    if (groups.every((group) => group.keys.length === 0)) return Promise.resolve(groups.map(() => []));
    const calls = splitByReplySize(groups);
    if (calls.length === 1) return redisCall(() => readHashes(this.redis, groups)).then((json) => splitGroups(groups, parseHashRows(json)));
    const pipeline = this.redis.pipeline();
    for (const call of calls) readHashes(pipeline, call);
    return redisCall(() => pipeline.exec()).then((replies) => {
      const flat = calls.flatMap((_, index) => parseHashRows(pipelineReply<string>(replies, index)));
      return splitGroups(groups, flat);
    });
  }

  async write({ eventTimeField, ttlMs, rows }: BackendWrite): Promise<WriteCode[]> {
    if (rows.length === 0) return [];
    // A single server has one index set per key space.
    const index = rows[0]!.index;
    const pipeline = this.redis.pipeline();
    const chunks = chunked(rows, WRITE_CHUNK);
    for (const chunk of chunks) writeRows(pipeline, { eventTimeField, ttlMs, index }, chunk);
    if (this.durability) pipeline.wait(this.durability.replicas, this.durability.timeoutMs);
    const replies = await redisCall(() => pipeline.exec());
    const codes = chunks.flatMap((_, call) => pipelineReply<WriteCode[]>(replies, call));
    if (this.durability) checkReplicated(pipelineReply<number>(replies, chunks.length), this.durability);
    return codes;
  }

  async ping(): Promise<void> {
    await redisCall(() => this.redis.ping());
  }

  /** One HMGET, without an async frame of its own: single reads are the hot path. */
  private hmget(key: string, fields: readonly string[]): Promise<RawValues> {
    try {
      return hmget(this.redis, key, fields).catch(wrongTypeOrFail);
    } catch (error) {
      return Promise.reject(toRedisError(error));
    }
  }
}

/** A key of another type is `WRONG_TYPE`; any other failure a `REDIS_ERROR`. */
export function wrongTypeOrFail(error: unknown): RawValues {
  if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return WRONG_TYPE;
  throw toRedisError(error);
}

/**
 * The groups cut into script calls whose replies can take at most MAX_SCRIPT_REPLY_BYTES each (a
 * key whose reply alone could be larger gets a call of its own); keys keep their order.
 */
function splitByReplySize(groups: readonly HashGroup[]): HashGroup[][] {
  const calls: HashGroup[][] = [[]];
  let bytes = 0;
  for (const group of groups) {
    const perKey = group.maxKeyBytes ?? 0;
    let start = 0;
    for (let index = 0; index < group.keys.length; index++) {
      if (bytes + perKey > MAX_SCRIPT_REPLY_BYTES && bytes > 0) {
        if (index > start) calls[calls.length - 1]!.push({ ...group, keys: group.keys.slice(start, index) });
        calls.push([]);
        start = index;
        bytes = 0;
      }
      bytes += perKey;
    }
    if (group.keys.length > start || group.keys.length === 0) calls[calls.length - 1]!.push({ ...group, keys: group.keys.slice(start) });
  }
  return calls;
}

/** The script's flat reply (one entry per key, groups in order) cut back into its groups. */
export function splitGroups(groups: readonly HashGroup[], flat: readonly RawValues[]): RawValues[][] {
  let at = 0;
  return groups.map((group) => {
    const slice = flat.slice(at, at + group.keys.length);
    at += group.keys.length;
    return slice;
  });
}
