import type { RedisClient } from '@feature-store/core';

export interface GroupProgress {
  /** Entries delivered to the group so far. */
  readonly read: number;
  /** Entries not yet delivered; Infinity while unknown (no group yet, or Redis cannot tell). */
  readonly lag: number;
  /** Entries delivered but not acknowledged. */
  readonly pending: number;
}

/** XINFO GROUPS of `stream`, for the group the ingestor uses. */
export async function groupProgress(redis: RedisClient, stream: string, group = 'feature-store'): Promise<GroupProgress> {
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  for (const flat of groups) {
    const info = new Map<unknown, unknown>();
    for (let i = 0; i + 1 < flat.length; i += 2) info.set(flat[i], flat[i + 1]);
    if (info.get('name') === group) {
      const lag = info.get('lag');
      return {
        read: Number(info.get('entries-read') ?? 0),
        lag: typeof lag === 'number' ? lag : Infinity,
        pending: Number(info.get('pending') ?? 0),
      };
    }
  }
  return { read: 0, lag: Infinity, pending: 0 };
}
