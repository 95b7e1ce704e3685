import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { FeatureStoreError } from '../errors';
import type { KeySchema } from '../keys/key-schema';
import { hmget } from '../redis/flat-command';
import { pipelineReply, redisCall, toRedisError } from '../redis/redis-call';
import { type HashGroup, WriteCode, writeRows } from '../redis/scripts';
import { type BackendRow, type BackendWrite, type RawValues, WRONG_TYPE } from './backend';
import { type Durability, RedisBackend, WRITE_CHUNK, checkReplicated, chunked, groupBy } from './redis-backend';
import { wrongTypeOrFail } from './single-server-backend';

/**
 * A Redis Cluster. A read sends each master, in parallel, one pipeline of HMGETs of the keys its
 * slots hold; a write sends each master one pipeline of write-script calls, one per hash slot
 * (a command may declare keys of one slot only, whatever a script's flags say). A key or call that
 * a master refuses (its slot moved: MOVED before anything ran) or cannot serve (a failover) is
 * left to the client's redirection and failover handling, one slot at a time. Index sets are
 * bucketed (see `KeySchema`); a write adds its ids to their buckets before writing the hashes, so
 * an index is a superset of its hashes.
 */
export class ClusterBackend extends RedisBackend {
  private readonly cluster: Cluster;

  constructor(cluster: Cluster, keys: KeySchema, durability: Durability | undefined) {
    super(cluster, keys, durability);
    this.cluster = cluster;
  }

  async read(groups: readonly HashGroup[]): Promise<RawValues[][]> {
    const replies = groups.map((group) => new Array<RawValues>(group.keys.length));
    const items = groups.flatMap((group, g) => group.keys.map((key, k) => ({ g, k, key })));
    const fieldsOf = (index: number) => groups[items[index]!.g]!.fields;
    const keep = (index: number, values: RawValues) => (replies[items[index]!.g]![items[index]!.k] = values);
    await perMaster(
      this.cluster,
      items.map((item) => item.key),
      async (master, indexes) => {
        const pipeline = master.pipeline();
        for (const index of indexes) void hmget(pipeline, items[index]!.key, fieldsOf(index));
        const results = (await pipeline.exec()) ?? [];
        return indexes.filter((index, position) => {
          const [error, values] = results[position] ?? [new Error('no reply'), null];
          const read = error ? wrongTypeOrLeft(error) : (values as RawValues);
          if (read) keep(index, read);
          return !read;
        });
      },
      (indexes) =>
        Promise.all(
          indexes.map((index) =>
            hmget(this.cluster, items[index]!.key, fieldsOf(index)).then(
              (values) => keep(index, values),
              (error: unknown) => keep(index, wrongTypeOrFail(error)),
            ),
          ),
        ),
    );
    return replies;
  }

  async write({ eventTimeField, ttlMs, rows }: BackendWrite): Promise<WriteCode[]> {
    if (rows.length === 0) return [];
    const cluster = this.cluster;
    const byIndex = groupBy(rows, (row) => row.index);
    await Promise.all([...byIndex].map(([set, members]) => redisCall(() => cluster.sadd(set, ...members.map((row) => row.id)))));
    const codes = new Array<WriteCode>(rows.length);
    const script = { eventTimeField, ttlMs, index: null };
    const durability = this.durability;
    /** The calls of some rows: per hash slot (rows of one id stay in order), at most WRITE_CHUNK rows each. */
    const calls = (indexes: readonly number[]) =>
      [...groupBy(indexes, (index) => calculateSlot(rows[index]!.hash)).values()].flatMap((slot) => chunked(slot, WRITE_CHUNK));
    await perMaster(
      cluster,
      rows.map((row) => row.hash),
      async (master, indexes) => {
        const pipeline = master.pipeline();
        const chunks = calls(indexes);
        for (const chunk of chunks) writeRows(pipeline, script, pick(rows, chunk));
        if (durability) pipeline.wait(durability.replicas, durability.timeoutMs);
        const replies = await pipeline.exec();
        const left = chunks.flatMap((chunk, call) => {
          const [error, result] = replies?.[call] ?? [new Error('no reply'), null];
          if (error) return chunk;
          chunk.forEach((index, position) => (codes[index] = (result as WriteCode[])[position]!));
          return [];
        });
        if (durability && left.length < indexes.length) checkReplicated(pipelineReply<number>(replies, chunks.length), durability);
        return left;
      },
      async (indexes) => {
        await Promise.all(
          calls(indexes).map(async (chunk) => {
            const written = await redisCall(() => writeRows(cluster, script, pick(rows, chunk)));
            chunk.forEach((index, position) => (codes[index] = written[position] as WriteCode));
            if (durability && written.includes(WriteCode.Written)) await waitOnMaster(cluster, rows[chunk[0]!]!.hash, durability);
          }),
        );
      },
    );
    return codes;
  }

  /** Resolves when a node answers that the cluster state is ok: every slot served. */
  async ping(): Promise<void> {
    const info = await redisCall(() => this.cluster.cluster('INFO'));
    const state = /cluster_state:(\w+)/.exec(info)?.[1];
    if (state !== 'ok') throw toRedisError(new Error(`cluster_state:${state ?? 'unknown'}`));
  }
}

function pick(rows: readonly BackendRow[], indexes: readonly number[]): BackendRow[] {
  return indexes.map((index) => rows[index]!);
}

/**
 * Splits the indexes of `keys` by the master that serves each key's slot (as the client last saw
 * the slot map) and runs `onMaster` for each share, in parallel, on that master's connection.
 * `onMaster` resolves with the indexes it could not serve (a slot moved, say); when it fails
 * with a Redis error (its master failed or is failing over) every index of its share is left.
 * What is left goes to `alone`, which sends it through the client's redirection and failover
 * handling; only when that fails too does the whole call fail.
 */
async function perMaster(
  cluster: Cluster,
  keys: readonly string[],
  onMaster: (master: Redis, indexes: readonly number[]) => Promise<readonly number[]>,
  alone: (indexes: readonly number[]) => Promise<unknown>,
): Promise<void> {
  const masters = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  const shares = groupBy(keys.keys(), (index) => masters.get(cluster.slots[calculateSlot(keys[index]!)]?.[0] ?? ''));
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
async function waitOnMaster(cluster: Cluster, key: string, durability: Durability): Promise<void> {
  const address = cluster.slots[calculateSlot(key)]?.[0];
  const master = cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === address);
  if (!master) throw toRedisError(new Error(`no master known for the slot of ${key}`));
  checkReplicated(await redisCall(() => master.wait(durability.replicas, durability.timeoutMs)), durability);
}

/** A pipelined HMGET's error: WRONG_TYPE for a key of another type; undefined (to retry alone) for any other. */
function wrongTypeOrLeft(error: Error): RawValues | undefined {
  return error.message.startsWith('WRONGTYPE') ? WRONG_TYPE : undefined;
}
