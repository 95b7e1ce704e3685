import type { Redis } from 'ioredis';
import { FeatureStoreError, atRow } from '../errors';
import { type KeySchema, createKeySchema } from '../keys/key-schema';
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
 * Reads and writes the features of the registry's entities in Redis.
 *
 * Reads cost one round trip whatever their size (HMGET, pipelined for batches). Writes validate
 * every row first, then apply each row atomically with last-write-wins by event time.
 * Errors are `FeatureStoreError`s; the store never logs.
 */
export class FeatureStore {
  readonly registry: Registry;
  readonly keys: KeySchema;
  private readonly fullPlans = new Map<string, ReadPlan>();
  private readonly clock: () => number;

  constructor(
    private readonly redis: Redis,
    options: FeatureStoreOptions,
  ) {
    this.registry = options.registry;
    this.keys = createKeySchema(options.namespace);
    this.clock = options.clock ?? Date.now;
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
   * Features of many ids in one round trip and one command (a script reading every hash), in
   * request order; null for unknown ids.
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
   * Validates every row against the view, then writes them in one pipelined round trip. Each row
   * is applied atomically unless the stored row of the view has a newer event time (then it
   * counts as stale); the id joins the entity's index set.
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `INVALID_ROW` / `INVALID_ID` (nothing written), `REDIS_ERROR`
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

  /** Which of `ids` are in the entity's index set, in order. */
  async known(entityName: string, ids: readonly string[]): Promise<boolean[]> {
    const entity = this.registry.entity(entityName);
    if (ids.length === 0) return [];
    const reply = await redisCall(() => this.redis.smismember(this.keys.entityIndex(entity.name), ...ids));
    return reply.map((member) => member === 1);
  }

  /** Number of ids in the entity's index set. */
  async count(entityName: string): Promise<number> {
    const entity = this.registry.entity(entityName);
    return redisCall(() => this.redis.scard(this.keys.entityIndex(entity.name)));
  }

  /** Resolves when Redis answers a PING. */
  async ping(): Promise<void> {
    await redisCall(() => this.redis.ping());
  }

  /** Writes encoded rows: WRITE_CHUNK rows per script call, the calls pipelined in one round trip. */
  private async apply(entity: EntityDefinition, view: ViewDefinition, encoded: readonly EncodedRow[]): Promise<WriteResult> {
    if (encoded.length === 0) return { written: 0, stale: 0 };
    // Chunks of WRITE_CHUNK rows, one script call each, pipelined: one round trip, few commands,
    // and no single call holds Redis long enough to delay readers.
    const pipeline = this.redis.pipeline();
    const head = [view.eventTimeField, entity.ttlMs ?? 0];
    const indexKey = this.keys.entityIndex(entity.name);
    for (let start = 0; start < encoded.length; start += WRITE_CHUNK) {
      const chunk = encoded.slice(start, start + WRITE_CHUNK);
      const keys = chunk.map((row) => this.keys.entityHash(entity.name, row.id));
      const args: (string | number)[] = [...head];
      for (const row of chunk) {
        args.push(row.id, row.eventTimeMs, row.set.length / 2, ...row.set, row.unset.length, ...row.unset);
      }
      pipeline.fsWriteRows(keys.length + 1, ...keys, indexKey, ...args);
    }
    const replies = await redisCall(() => pipeline.exec());
    let written = 0;
    for (let index = 0; index < Math.ceil(encoded.length / WRITE_CHUNK); index++) {
      written += pipelineReply<number>(replies, index);
    }
    return { written, stale: encoded.length - written };
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
