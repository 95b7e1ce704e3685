import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import { redisCall, toRedisError } from './redis-call';

/** `WAIT <replicas> <timeoutMs>` after writes: see `FeatureStoreOptions.durability`. */
export interface Durability {
  readonly replicas: number;
  readonly timeoutMs: number;
}

/**
 * Splits the indexes of `keys` by the master that serves each key's slot (as the client last saw
 * the slot map) and runs `onMaster` for each share, in parallel, on that master's connection.
 * `onMaster` resolves with the indexes it could not serve (a slot moved, say); when it fails
 * with a Redis error (its master failed or is failing over) every index of its share is left.
 * What is left goes to `alone`, which sends it through the client's redirection and failover
 * handling; only when that fails too does the whole call fail.
 */
export async function perMaster(
  cluster: Cluster,
  keys: readonly string[],
  onMaster: (master: Redis, indexes: readonly number[]) => Promise<readonly number[]>,
  alone: (indexes: readonly number[]) => Promise<unknown>,
): Promise<void> {
  const masters = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  const shares = new Map<Redis | undefined, number[]>();
  keys.forEach((key, index) => {
    const master = masters.get(cluster.slots[calculateSlot(key)]?.[0] ?? '');
    if (shares.has(master)) shares.get(master)!.push(index);
    else shares.set(master, [index]);
  });
  await Promise.all(
    [...shares].map(async ([master, indexes]) => {
      let left: readonly number[] = indexes;
      if (master) {
        try {
          left = await onMaster(master, indexes);
        } catch (error) {
          if (error instanceof FeatureStoreError) throw error;
        }
      }
      if (left.length > 0) await alone(left);
    }),
  );
}

/** WAIT on the master that serves `key`'s slot. */
export async function waitOnMaster(cluster: Cluster, key: string, durability: Durability): Promise<void> {
  const address = cluster.slots[calculateSlot(key)]?.[0];
  const master = cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === address);
  if (!master) throw toRedisError(new Error(`no master known for the slot of ${key}`));
  checkReplicated(await redisCall(() => master.wait(durability.replicas, durability.timeoutMs)), durability);
}

/** Fails with `NOT_REPLICATED` when fewer replicas than required acknowledged the writes. */
export function checkReplicated(acknowledged: number, durability: Durability): void {
  if (acknowledged >= durability.replicas) return;
  throw new FeatureStoreError(
    FeatureStoreErrorCode.NotReplicated,
    `Redis: the write was applied but only ${acknowledged} of ${durability.replicas} replica(s) acknowledged it within ` +
      `${durability.timeoutMs} ms; it may be lost if the master fails: write it again (a replay changes nothing)`,
  );
}
