// Bytes per entity in Redis: MEMORY USAGE of a sample of the hashes a run wrote (and of the
// index set, shared out per entity), and used_memory before and after the run as a second view.
import type { Redis } from 'ioredis';
import type { WriteContext } from './paths';
import { ENTITY, type Row } from './rows';

export interface MemorySample {
  readonly sampled: number;
  readonly fieldsPerHash: number;
  readonly hashEncoding: string;
  /** Mean over the sampled hashes. */
  readonly hashBytes: number;
  readonly indexBytes: number | null;
  readonly indexEncoding: string | null;
  readonly indexBytesPerEntity: number | null;
}

/** used_memory of INFO memory, in bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/**
 * MEMORY USAGE (SAMPLES 0: every field counted) of `sample` hashes spread evenly over the rows,
 * and, when `withIndex`, of the index set `all_<entity>s`.
 */
export async function bytesPerEntity(
  { redis, keys }: WriteContext,
  rows: readonly Row[],
  sample: number,
  { withIndex }: { readonly withIndex: boolean },
): Promise<MemorySample> {
  const stride = rows.length / sample;
  const hashKeys = Array.from({ length: sample }, (_, index) => keys.entityHash(ENTITY, rows[Math.floor(index * stride)].id));
  const pipeline = redis.pipeline();
  for (const key of hashKeys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
  const replies = (await pipeline.exec()) ?? [];
  const sizes = replies.map(([error, size], index) => {
    if (error || typeof size !== 'number') throw new Error(`MEMORY USAGE ${hashKeys[index]}: ${error?.message ?? 'no such key'}`);
    return size;
  });
  const [fieldsPerHash, hashEncoding] = await Promise.all([redis.hlen(hashKeys[0]), redis.object('ENCODING', hashKeys[0])]);
  const result = {
    sampled: sample,
    fieldsPerHash,
    hashEncoding: String(hashEncoding),
    hashBytes: sizes.reduce((sum, size) => sum + size, 0) / sizes.length,
    indexBytes: null,
    indexEncoding: null,
    indexBytesPerEntity: null,
  };
  if (!withIndex) return result;
  const indexKey = keys.entityIndexes(ENTITY)[0];
  const [indexBytes, indexEncoding] = await Promise.all([redis.memory('USAGE', indexKey, 'SAMPLES', 0), redis.object('ENCODING', indexKey)]);
  if (indexBytes === null) throw new Error(`MEMORY USAGE ${indexKey}: no such key`);
  return { ...result, indexBytes, indexEncoding: String(indexEncoding), indexBytesPerEntity: indexBytes / rows.length };
}
