import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { FeatureStoreError, atRow } from '../errors';
import { type KeySchema, createKeySchema } from '../keys/key-schema';
import { type Durability, checkReplicated, perMaster, waitOnMaster } from '../redis/cluster-batch';
import type { RedisClient } from '../redis/create-redis-client';
import { pipelineReply, redisCall, toRedisError } from '../redis/redis-call';
import { defineScripts } from '../redis/scripts';
import type { Registry } from '../registry/registry';
import type { EntityDefinition, ViewDefinition } from '../registry/registry.types';
import { validateId } from './ids';
import { parseHashRows } from './hash-rows';
import { type EntityRecord, type EventTimeListener, type RawValues, ReadPlan } from './read-plan';
import { type EncodedRow, type WriteRow, encodeRows, rowEncoder } from './row-encoder';
import { StreamConsumer, type StreamConsumerOptions } from '../stream/stream-consumer';
import { toStreamFields } from '../stream/stream-entry';

/** Rows per write script call (see `write`). */
const WRITE_CHUNK = 100;

export interface FeatureStoreOptions {
  readonly registry: Registry;
  /** Prefixed to every key (e.g. "tenant-a:"); "" (the default) keeps the original layout. */
  readonly namespace?: string;
  /** Current time in epoch ms, for `max_age` expiry on reads; `Date.now` by default. */
  readonly clock?: () => number;
  /**
   * Writes are acknowledged only once `replicas` replicas of each master written have them
   * (`WAIT replicas timeoutMs` after each write's commands); otherwise the write fails with
   * `NOT_REPLICATED` (it was applied on the master and may be lost if that master fails before
   * its replicas catch up; writing it again is harmless). Off by default.
   */
  readonly durability?: Durability;
}

export interface ReadOptions {
  /** Only these features are fetched and returned; all of the entity's features by default. */
  readonly features?: readonly string[];
}

export interface JsonReadOptions extends ReadOptions {
  /** Called with the event time of each view of each entity found (for freshness metrics). */
  readonly onEventTime?: EventTimeListener;
}

/** A row that does not fit its view, as `validate` reports it. */
export interface RejectedRow {
  /** Index of the row in the input. */
  readonly row: number;
  readonly field: string | null;
  readonly reason: string;
}

export interface WriteResult {
  /** Rows applied. */
  readonly written: number;
  /** Rows skipped because the stored row of the view has a newer event time. */
  readonly stale: number;
}

/**
 * Reads and writes the features of the registry's entities in Redis, a single server or a Redis
 * Cluster (the client decides; the cluster layout is described in `KeySchema`).
 *
 * Reads cost one round trip whatever their size (one script call for a batch on a single server;
 * one pipeline per master on a cluster). Writes validate every row first, then apply each row
 * atomically with last-write-wins by event time. Errors are `FeatureStoreError`s; the store never
 * logs.
 */
export class FeatureStore {
  readonly registry: Registry;
  readonly keys: KeySchema;
  private readonly fullPlans = new Map<string, ReadPlan>();
  private readonly clock: () => number;
  private readonly durability: Durability | undefined;
  /** The client when it is a Redis Cluster's. */
  private readonly cluster: Cluster | null;

  constructor(
    private readonly redis: RedisClient,
    options: FeatureStoreOptions,
  ) {
    this.registry = options.registry;
    this.cluster = redis.isCluster ? (redis as Cluster) : null;
    this.keys = createKeySchema(options.namespace, { cluster: this.cluster !== null });
    this.clock = options.clock ?? Date.now;
    this.durability = options.durability;
    defineScripts(redis);
  }

  /**
   * Features of one entity id, or null when the id was never written.
   * @throws FeatureStoreError `UNKNOWN_ENTITY`, `UNKNOWN_FEATURE`, `INVALID_ID`, `CORRUPT_VALUE`, `REDIS_ERROR`
   */
  async get(entityName: string, id: string, options: ReadOptions = {}): Promise<EntityRecord | null> {
    const plan = this.plan(entityName, options);
    return plan.decode(id, await this.readOne(plan, id), this.clock());
  }

  /**
   * Features of many ids in one round trip, in request order; null for unknown ids. On a single
   * server one command (a script reading every hash); on a cluster one call of that script per
   * master, in parallel.
   * @throws FeatureStoreError as `get`; `INVALID_ID` carries the index of the bad id as `row`.
   */
  async getMany(entityName: string, ids: readonly string[], options: ReadOptions = {}): Promise<(EntityRecord | null)[]> {
    const { plan, replies } = await this.readMany(entityName, ids, options);
    const now = this.clock();
    return ids.map((id, index) => plan.decode(id, replies[index]!, now));
  }

  /**
   * As `get`, but the `features` object comes as JSON text (null for an unknown id), written from
   * the stored text without building values: for servers that write their responses themselves.
   */
  async getJson(entityName: string, id: string, options: JsonReadOptions = {}): Promise<string | null> {
    const plan = this.plan(entityName, options);
    return plan.encodeJson(await this.readOne(plan, id), this.clock(), options.onEventTime);
  }

  /** As `getMany`, with each id's `features` object as JSON text (see `getJson`). */
  async getManyJson(entityName: string, ids: readonly string[], options: JsonReadOptions = {}): Promise<(string | null)[]> {
    const { plan, replies } = await this.readMany(entityName, ids, options);
    const now = this.clock();
    return replies.map((reply) => plan.encodeJson(reply, now, options.onEventTime));
  }

  /**
   * Validates every row against the view, then writes them in one pipelined round trip (two on a
   * cluster: the index first). Each row is applied atomically unless the stored row of the view
   * has a newer event time (then it counts as stale); the id joins the entity's index.
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `INVALID_ROW` / `INVALID_ID` (nothing written), `REDIS_ERROR`,
   *   `NOT_REPLICATED` (with `durability`)
   */
  async write(viewName: string, rows: readonly WriteRow[]): Promise<WriteResult> {
    const view = this.registry.view(viewName);
    const entity = this.registry.entity(view.entity);
    return this.apply(entity, view, encodeRows(entity, view, rows));
  }

  /**
   * As `write`, but rows that do not fit the view are left out and reported (index, field,
   * reason) instead of failing the call: for sources that set bad rows aside (a file, a stream).
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `REDIS_ERROR`
   */
  async writeValid(viewName: string, rows: readonly WriteRow[]): Promise<WriteResult & { rejected: RejectedRow[] }> {
    const view = this.registry.view(viewName);
    const entity = this.registry.entity(view.entity);
    const { encoded, rejected } = encodeEach(entity, view, rows);
    return { ...(await this.apply(entity, view, encoded)), rejected };
  }

  /**
   * Checks rows against the view without writing: one entry per row that would be refused, with
   * its index, the field at fault and the reason; empty when every row fits.
   * @throws FeatureStoreError `UNKNOWN_VIEW`
   */
  validate(viewName: string, rows: readonly WriteRow[]): RejectedRow[] {
    const view = this.registry.view(viewName);
    return encodeEach(this.registry.entity(view.entity), view, rows).rejected;
  }

  /**
   * Validates every row, then appends one entry per row to the view's stream (one round trip),
   * for the ingestor's stream consumer to apply. Returns the entry ids.
   * @param maxLength when set, trims the stream to about this many entries (MAXLEN ~).
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `INVALID_ROW` / `INVALID_ID` (nothing sent), `REDIS_ERROR`
   */
  async publish(viewName: string, rows: readonly WriteRow[], maxLength?: number): Promise<string[]> {
    const view = this.registry.view(viewName);
    encodeRows(this.registry.entity(view.entity), view, rows);
    if (rows.length === 0) return [];
    const pipeline = this.redis.pipeline();
    const key = this.keys.stream(view.name);
    for (const row of rows) {
      if (maxLength === undefined) pipeline.xadd(key, '*', ...toStreamFields(row));
      else pipeline.xadd(key, 'MAXLEN', '~', maxLength, '*', ...toStreamFields(row));
    }
    const replies = await redisCall(() => pipeline.exec());
    return rows.map((_, index) => pipelineReply<string>(replies, index));
  }

  /** A consumer of a view's stream (see `StreamConsumer`); call `ensureGroup()` first. */
  consumer(options: StreamConsumerOptions): StreamConsumer {
    return new StreamConsumer(this, this.redis, options);
  }

  /** Which of `ids` are in the entity's index, in order. */
  async known(entityName: string, ids: readonly string[]): Promise<boolean[]> {
    const entity = this.registry.entity(entityName);
    const bySet = groupBy(ids.keys(), (index) => this.keys.entityIndexOf(entity.name, ids[index]!));
    const known = new Array<boolean>(ids.length);
    await Promise.all(
      [...bySet].map(async ([key, indexes]) => {
        const reply = await redisCall(() => this.redis.smismember(key, ...indexes.map((index) => ids[index]!)));
        indexes.forEach((index, position) => (known[index] = reply[position] === 1));
      }),
    );
    return known;
  }

  /** Number of ids in the entity's index. */
  async count(entityName: string): Promise<number> {
    const entity = this.registry.entity(entityName);
    const counts = await Promise.all(this.keys.entityIndexes(entity.name).map((key) => redisCall(() => this.redis.scard(key))));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /**
   * Resolves when Redis answers a PING; on a cluster, when a node answers that the cluster state
   * is ok (every slot served: a master lost without a replica to take over fails it).
   */
  async ping(): Promise<void> {
    if (!this.cluster) {
      await redisCall(() => this.redis.ping());
      return;
    }
    const cluster = this.cluster;
    const info = await redisCall(() => cluster.cluster('INFO'));
    const state = /cluster_state:(\w+)/.exec(info)?.[1];
    if (state !== 'ok') throw toRedisError(new Error(`cluster_state:${state ?? 'unknown'}`));
  }

  /** Writes encoded rows: WRITE_CHUNK rows per script call, the calls pipelined in one round trip. */
  private async apply(entity: EntityDefinition, view: ViewDefinition, encoded: readonly EncodedRow[]): Promise<WriteResult> {
    if (encoded.length === 0) return { written: 0, stale: 0 };
    if (this.cluster) return this.applyOnCluster(this.cluster, entity, view, encoded);
    // Chunks of WRITE_CHUNK rows, one script call each, pipelined: one round trip, few commands,
    // and no single call holds Redis long enough to delay readers.
    const pipeline = this.redis.pipeline();
    const [index] = this.keys.entityIndexes(entity.name); // a single server has one index set
    const calls = this.writeCalls(entity, view, encoded);
    const chunks = chunked([...encoded.keys()], WRITE_CHUNK);
    for (const chunk of chunks) pipeline.fsWriteRows(...calls.args(chunk, { keys: 'declared', index }));
    if (this.durability) pipeline.wait(this.durability.replicas, this.durability.timeoutMs);
    const replies = await redisCall(() => pipeline.exec());
    let written = 0;
    for (let call = 0; call < chunks.length; call++) written += pipelineReply<number>(replies, call);
    if (this.durability) checkReplicated(pipelineReply<number>(replies, chunks.length), this.durability);
    return { written, stale: encoded.length - written };
  }

  /**
   * The ids join their index buckets first, so the index is a superset of the hashes: an id may
   * be listed whose write was stale or failed, never a hash without its id. Then each master
   * gets its share of the rows (in row order, so rows of one id apply in order): WRITE_CHUNK rows
   * per script call, pipelined on its connection. Rows a master could not take are written by
   * slot, through the client's redirection handling.
   */
  private async applyOnCluster(
    cluster: Cluster,
    entity: EntityDefinition,
    view: ViewDefinition,
    encoded: readonly EncodedRow[],
  ): Promise<WriteResult> {
    const byIndex = groupBy(encoded, (row) => this.keys.entityIndexOf(entity.name, row.id));
    await Promise.all([...byIndex].map(([key, rows]) => redisCall(() => cluster.sadd(key, ...rows.map((row) => row.id)))));
    const calls = this.writeCalls(entity, view, encoded);
    const durability = this.durability;
    let written = 0;
    await perMaster(
      cluster,
      calls.hashes,
      async (master, indexes) => {
        defineScripts(master);
        const pipeline = master.pipeline();
        const chunks = chunked(indexes, WRITE_CHUNK);
        for (const chunk of chunks) pipeline.fsWriteRows(...calls.args(chunk, { keys: 'arguments', index: null }));
        if (durability) pipeline.wait(durability.replicas, durability.timeoutMs);
        const replies = await pipeline.exec();
        const left = chunks.flatMap((chunk, call) => {
          const [error, count] = replies?.[call] ?? [new Error('no reply'), 0];
          if (!error) written += count as number;
          return error ? chunk : [];
        });
        if (durability && left.length < indexes.length) checkReplicated(pipelineReply<number>(replies, chunks.length), durability);
        return left;
      },
      async (indexes) => {
        const bySlot = groupBy(indexes, (index) => calculateSlot(calls.hashes[index]!));
        await Promise.all(
          [...bySlot.values()].map(async (slotIndexes) => {
            for (const chunk of chunked(slotIndexes, WRITE_CHUNK)) {
              const args = calls.args(chunk, { keys: 'declared', index: null });
              const count = await redisCall(() => cluster.fsWriteRows(...args)); // before `written +=`: calls run in parallel
              written += count;
              if (durability) await waitOnMaster(cluster, calls.hashes[chunk[0]!]!, durability);
            }
          }),
        );
      },
    );
    return { written, stale: encoded.length - written };
  }

  /**
   * Write script calls over `encoded` (its `hashes` computed once): `args(indexes, form)` gives
   * the arguments of one call for those rows, number of keys first (see
   * lua/write-rows-n.lua), the hashes as declared keys (then the index set, when given) or as
   * arguments (cluster: one master's hashes of several slots, sent on its connection).
   */
  private writeCalls(entity: EntityDefinition, view: ViewDefinition, encoded: readonly EncodedRow[]) {
    const hashes = encoded.map((row) => this.keys.entityHash(entity.name, row.id));
    const args = (
      indexes: readonly number[],
      { keys, index }: { keys: 'declared' | 'arguments'; index: string | null },
    ): [number, ...(string | number)[]] => {
      const chunkHashes = indexes.map((row) => hashes[row]!);
      const head: [number, ...(string | number)[]] =
        keys === 'declared'
          ? [chunkHashes.length + (index === null ? 0 : 1), ...chunkHashes, ...(index === null ? [] : [index])]
          : [0];
      const tail: (string | number)[] = [view.eventTimeField, entity.ttlMs ?? 0, index === null ? 0 : 1];
      if (keys === 'arguments') tail.push(chunkHashes.length, ...chunkHashes);
      for (const row of indexes) {
        const { id, eventTimeMs, set, unset } = encoded[row]!;
        tail.push(id, eventTimeMs, set.length / 2, ...set, unset.length, ...unset);
      }
      return [...head, ...tail];
    };
    return { hashes, args };
  }

  /**
   * Checks the id, then one HMGET of the plan's fields (no async frame of its own: single reads
   * are the hot path).
   */
  private readOne(plan: ReadPlan, id: string): Promise<RawValues> {
    validateId(plan.entity, id);
    return redisCall(() => this.redis.hmget(this.keys.entityHash(plan.entity.name, id), ...plan.fields));
  }

  /** The plan's fields of every id's hash, one HMGET-like reply per id (false: missing), in one script call. */
  private async readMany(
    entityName: string,
    ids: readonly string[],
    options: ReadOptions,
  ): Promise<{ plan: ReadPlan; replies: readonly RawValues[] }> {
    const plan = this.plan(entityName, options);
    ids.forEach((id, index) => atRow(index, `ids[${index}]`, () => validateId(plan.entity, id)));
    if (ids.length === 0) return { plan, replies: [] };
    const keys = ids.map((id) => this.keys.entityHash(plan.entity.name, id));
    if (this.cluster) return { plan, replies: await this.readOnCluster(this.cluster, keys, plan.fields) };
    const json = await redisCall(() => this.redis.fsReadHashes(keys.length, ...keys, ...plan.fields));
    return { plan, replies: parseHashRows(json) };
  }

  /**
   * The same fields of every key, one reply per key: one script call per master, on that
   * master's connection (a cluster script may not declare keys of several slots, so they go as
   * arguments; Redis refuses any that the master does not serve), in parallel.
   */
  private async readOnCluster(cluster: Cluster, keys: readonly string[], fields: readonly string[]): Promise<RawValues[]> {
    const replies = new Array<RawValues>(keys.length);
    await perMaster(
      cluster,
      keys,
      async (master, indexes) => {
        defineScripts(master);
        const json = await master.fsReadHashes(0, indexes.length, ...indexes.map((index) => keys[index]!), ...fields);
        const values = parseHashRows(json);
        indexes.forEach((index, position) => (replies[index] = values[position]!));
        return [];
      },
      (indexes) =>
        Promise.all(indexes.map(async (index) => (replies[index] = await redisCall(() => cluster.hmget(keys[index]!, ...fields))))),
    );
    return replies;
  }

  private plan(entityName: string, options: ReadOptions): ReadPlan {
    const entity: EntityDefinition = this.registry.entity(entityName);
    if (options.features !== undefined) return ReadPlan.of(entity, options.features);
    let plan = this.fullPlans.get(entityName);
    if (!plan) {
      plan = ReadPlan.of(entity);
      this.fullPlans.set(entityName, plan);
    }
    return plan;
  }

}

/** Encodes each row that fits the view; lists the others with their reason. */
function encodeEach(entity: EntityDefinition, view: ViewDefinition, rows: readonly WriteRow[]) {
  const encode = rowEncoder(entity, view);
  const encoded: EncodedRow[] = [];
  const rejected: RejectedRow[] = [];
  rows.forEach((row, index) => {
    try {
      encoded.push(encode(row));
    } catch (error) {
      if (!(error instanceof FeatureStoreError)) throw error;
      rejected.push({ row: index, field: error.location.field ?? null, reason: error.message });
    }
  });
  return { encoded, rejected };
}

/** Consecutive slices of at most `size` items. */
function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Items grouped by key, each group in input order. */
function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (groups.has(key)) groups.get(key)!.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
