import calculateSlot from 'cluster-key-slot';
import type { ChainableCommander, Cluster } from 'ioredis';
import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import { redisCall, toRedisError } from './redis-call';

/** One command of a batch sent to a Redis Cluster. */
export interface RoutedCommand<T> {
  /** The key the command is routed by (every key of the command shares its slot). */
  readonly key: string;
  /** Adds the command to a pipeline. */
  queue(pipeline: ChainableCommander): void;
  /** Sends the command alone, through the client's redirection and failover handling. */
  alone(): Promise<T>;
}

/** `WAIT <replicas> <timeoutMs>` after writes: see `FeatureStoreOptions.durability`. */
export interface Durability {
  readonly replicas: number;
  readonly timeoutMs: number;
}

/**
 * Sends a batch to a cluster: one pipeline per master, in parallel; replies in command order.
 * A command that fails in its pipeline (its slot moved, its node failed or is failing over) is
 * sent again alone, where the client follows redirections and waits out a failover: the call
 * fails only when that fails too. With `durability`, each pipeline ends with a WAIT and each
 * command sent alone is followed by a WAIT on its key's master.
 */
export async function sendPerNode<T>(cluster: Cluster, commands: readonly RoutedCommand<T>[], durability?: Durability): Promise<T[]> {
  const replies = new Array<T>(commands.length);
  const groups = new Map<string, number[]>();
  const alone: number[] = [];
  for (let index = 0; index < commands.length; index++) {
    const node = cluster.slots[calculateSlot(commands[index]!.key)]?.join(';');
    if (node === undefined) alone.push(index);
    else if (groups.has(node)) groups.get(node)!.push(index);
    else groups.set(node, [index]);
  }
  const sendAlone = async (index: number) => {
    const command = commands[index]!;
    replies[index] = await redisCall(() => command.alone());
    if (durability) await waitOnMaster(cluster, command.key, durability);
  };
  await Promise.all([
    ...alone.map(sendAlone),
    ...[...groups.values()].map(async (indexes) => {
      const pipeline = cluster.pipeline();
      for (const index of indexes) commands[index]!.queue(pipeline);
      if (durability) pipeline.wait(durability.replicas, durability.timeoutMs);
      const results = await pipeline.exec().catch(() => null);
      const failed: number[] = [];
      indexes.forEach((index, position) => {
        const [error, value] = results?.[position] ?? [new Error('no reply'), undefined];
        if (error) failed.push(index);
        else replies[index] = value as T;
      });
      if (durability && failed.length < indexes.length) {
        const [error, acknowledged] = results?.[indexes.length] ?? [new Error('no reply to WAIT'), 0];
        if (error) throw toRedisError(error);
        checkReplicated(acknowledged as number, durability);
      }
      await Promise.all(failed.map(sendAlone));
    }),
  ]);
  return replies;
}

/** WAIT on the master that serves `key`'s slot. */
async function waitOnMaster(cluster: Cluster, key: string, durability: Durability): Promise<void> {
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
