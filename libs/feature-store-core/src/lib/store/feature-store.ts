import calculateSlot from 'cluster-key-slot';
import type { ChainableCommander, Cluster } from 'ioredis';
import { FeatureStoreError, atRow } from '../errors';
import { type KeySchema, createKeySchema } from '../keys/key-schema';
import { type Durability, checkReplicated, sendPerNode } from '../redis/cluster-batch';
import type { RedisClient } from '../redis/create-redis-client';
import { pipelineReply, redisCall } from '../redis/redis-call';
import { defineScripts } from '../redis/scripts';
import type { Registry } from '../registry/registry';
import type { EntityDefinition, ViewDefinition } from '../registry/registry.types';
import { validateId } from './ids';
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
    const { plan, reply } = await this.readOne(entityName, id, options);
    return plan.decode(id, reply, this.clock());
  }

  /**
   * Features of many ids in one round trip, in request order; null for unknown ids. On a single
   * server one command (a script reading every hash); on a cluster one pipeline of HMGETs per
   * master, in parallel.
   * @throws FeatureStoreError as `get`; `INVALID_ID` carries the index of the bad id as `row`.
   */
  async getMany(entityName: string, ids: readonly string[], options: ReadOptions = {}): Promise<(EntityRecord | null)[]> {
    const { plan, reply } = await this.readMany(entityName, ids, options);
    const now = this.clock();
    const width = plan.fields.length;
    return ids.map((id, index) => plan.decode(id, reply, now, index * width));
  }

  /**
   * As `get`, but the `features` object comes as JSON text (null for an unknown id), written from
   * the stored text without building values: for servers that write their responses themselves.
   */
  async getJson(entityName: string, id: string, options: JsonReadOptions = {}): Promise<string | null> {
    const { plan, reply } = await this.readOne(entityName, id, options);
    return plan.encodeJson(reply, this.clock(), 0, options.onEventTime);
  }

  /** As `getMany`, with each id's `features` object as JSON text (see `getJson`). */
  async getManyJson(entityName: string, ids: readonly string[], options: JsonReadOptions = {}): Promise<(string | null)[]> {
    const { plan, reply } = await this.readMany(entityName, ids, options);
    const now = this.clock();
    const width = plan.fields.length;
    return ids.map((_, index) => plan.encodeJson(reply, now, index * width, options.onEventTime));
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
    const bySet = new Map<string, number[]>();
    ids.forEach((id, index) => {
      const key = this.keys.entityIndexOf(entity.name, id);
      if (bySet.has(key)) bySet.get(key)!.push(index);
      else bySet.set(key, [index]);
    });
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

  /** Resolves when Redis answers a PING. */
  async ping(): Promise<void> {
    await redisCall(() => this.redis.ping());
  }

  /** Writes encoded rows: WRITE_CHUNK rows per script call, the calls pipelined in one round trip. */
  private async apply(entity: EntityDefinition, view: ViewDefinition, encoded: readonly EncodedRow[]): Promise<WriteResult> {
    if (encoded.length === 0) return { written: 0, stale: 0 };
    if (this.cluster) return this.applyOnCluster(this.cluster, entity, view, encoded);
    // Chunks of WRITE_CHUNK rows, one script call each, pipelined: one round trip, few commands,
    // and no single call holds Redis long enough to delay readers.
    const pipeline = this.redis.pipeline();
    const indexKey = this.keys.entityIndexOf(entity.name, '');
    const calls = Math.ceil(encoded.length / WRITE_CHUNK);
    for (let start = 0; start < encoded.length; start += WRITE_CHUNK) {
      const { keys, args } = this.writeCall(entity, view, encoded.slice(start, start + WRITE_CHUNK), true);
      pipeline.fsWriteRows(keys.length + 1, ...keys, indexKey, ...args);
    }
    if (this.durability) pipeline.wait(this.durability.replicas, this.durability.timeoutMs);
    const replies = await redisCall(() => pipeline.exec());
    let written = 0;
    for (let index = 0; index < calls; index++) written += pipelineReply<number>(replies, index);
    if (this.durability) checkReplicated(pipelineReply<number>(replies, calls), this.durability);
    return { written, stale: encoded.length - written };
  }

  /**
   * A script call may only touch keys of one slot: rows are grouped by the slot of their hash (in
   * row order, so rows of one id still apply in order), one call per group of up to WRITE_CHUNK
   * rows, sent per master. The ids join their index buckets first, so the index is a superset of
   * the hashes: an id may be listed whose write was stale or failed, never a hash without its id.
   */
  private async applyOnCluster(
    cluster: Cluster,
    entity: EntityDefinition,
    view: ViewDefinition,
    encoded: readonly EncodedRow[],
  ): Promise<WriteResult> {
    const byIndex = new Map<string, string[]>();
    const bySlot = new Map<number, EncodedRow[]>();
    for (const row of encoded) {
      const indexKey = this.keys.entityIndexOf(entity.name, row.id);
      if (byIndex.has(indexKey)) byIndex.get(indexKey)!.push(row.id);
      else byIndex.set(indexKey, [row.id]);
      const slot = calculateSlot(this.keys.entityHash(entity.name, row.id));
      if (bySlot.has(slot)) bySlot.get(slot)!.push(row);
      else bySlot.set(slot, [row]);
    }
    await Promise.all([...byIndex].map(([key, ids]) => redisCall(() => cluster.sadd(key, ...ids))));
    const calls = [...bySlot.values()].flatMap((rows) => {
      const chunks = [];
      for (let start = 0; start < rows.length; start += WRITE_CHUNK) {
        const { keys, args } = this.writeCall(entity, view, rows.slice(start, start + WRITE_CHUNK), false);
        chunks.push({
          key: keys[0]!,
          queue: (pipeline: ChainableCommander) => pipeline.fsWriteRows(keys.length, ...keys, ...args),
          alone: () => cluster.fsWriteRows(keys.length, ...keys, ...args),
        });
      }
      return chunks;
    });
    const written = (await sendPerNode(cluster, calls, this.durability)).reduce((sum, count) => sum + count, 0);
    return { written, stale: encoded.length - written };
  }

  /** Keys and arguments of one write script call (see lua/write-rows-n.lua). */
  private writeCall(entity: EntityDefinition, view: ViewDefinition, rows: readonly EncodedRow[], withIndex: boolean) {
    const keys = rows.map((row) => this.keys.entityHash(entity.name, row.id));
    const args: (string | number)[] = [view.eventTimeField, entity.ttlMs ?? 0, withIndex ? 1 : 0];
    for (const row of rows) {
      args.push(row.id, row.eventTimeMs, row.set.length / 2, ...row.set, row.unset.length, ...row.unset);
    }
    return { keys, args };
  }

  /** One HMGET of the plan's fields. */
  private async readOne(entityName: string, id: string, options: ReadOptions): Promise<{ plan: ReadPlan; reply: RawValues }> {
    const plan = this.plan(entityName, options);
    validateId(plan.entity, id);
    const reply = await redisCall(() => this.redis.hmget(this.keys.entityHash(entityName, id), ...plan.fields));
    return { plan, reply };
  }

  /** The plan's fields of every id's hash, flattened id by id (false: missing), in one script call. */
  private async readMany(
    entityName: string,
    ids: readonly string[],
    options: ReadOptions,
  ): Promise<{ plan: ReadPlan; reply: RawValues }> {
    const plan = this.plan(entityName, options);
    ids.forEach((id, index) => atRow(index, `ids[${index}]`, () => validateId(plan.entity, id)));
    if (ids.length === 0) return { plan, reply: [] };
    const keys = ids.map((id) => this.keys.entityHash(plan.entity.name, id));
    if (this.cluster) {
      const cluster = this.cluster;
      const hashes = await sendPerNode<(string | null)[]>(
        cluster,
        keys.map((key) => ({
          key,
          queue: (pipeline) => pipeline.hmget(key, ...plan.fields),
          alone: () => cluster.hmget(key, ...plan.fields),
        })),
      );
      return { plan, reply: hashes.flat() };
    }
    const json = await redisCall(() => this.redis.fsReadHashes(keys.length, ...keys, ...plan.fields));
    return { plan, reply: JSON.parse(json) as (string | false)[] };
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
