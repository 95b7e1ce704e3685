// Bytes per entity in Redis: MEMORY USAGE of a sample of the hashes a run wrote (and of the
// index set, shared out per entity), and used_memory before and after the run as a second view.
import { ENTITY } from './rows.mjs';

/** used_memory of INFO memory, in bytes. */
export async function usedMemory(redis) {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/**
 * MEMORY USAGE (SAMPLES 0: every field counted) of `sample` hashes spread evenly over the rows,
 * and, when `withIndex`, of the index set `all_<entity>s`.
 * @returns { sampled, fieldsPerHash, hashEncoding, hashBytes (mean), indexBytes, indexEncoding, indexBytesPerEntity }
 */
export async function bytesPerEntity(ctx, rows, sample, { withIndex }) {
  const { redis, keys } = ctx;
  const stride = rows.length / sample;
  const hashKeys = Array.from({ length: sample }, (_, index) => keys.entityHash(ENTITY, rows[Math.floor(index * stride)].id));
  const pipeline = redis.pipeline();
  for (const key of hashKeys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
  const replies = await pipeline.exec();
  const sizes = replies.map(([error, size], index) => {
    if (error || typeof size !== 'number') throw new Error(`MEMORY USAGE ${hashKeys[index]}: ${error?.message ?? 'no such key'}`);
    return size;
  });
  const [fieldsPerHash, hashEncoding] = await Promise.all([redis.hlen(hashKeys[0]), redis.object('ENCODING', hashKeys[0])]);
  const result = {
    sampled: sample,
    fieldsPerHash,
    hashEncoding,
    hashBytes: sizes.reduce((sum, size) => sum + size, 0) / sizes.length,
    indexBytes: null,
    indexEncoding: null,
    indexBytesPerEntity: null,
  };
  if (withIndex) {
    const indexKey = keys.entityIndexes(ENTITY)[0];
    const [indexBytes, indexEncoding] = await Promise.all([redis.memory('USAGE', indexKey, 'SAMPLES', 0), redis.object('ENCODING', indexKey)]);
    Object.assign(result, { indexBytes, indexEncoding, indexBytesPerEntity: indexBytes / rows.length });
  }
  return result;
}
