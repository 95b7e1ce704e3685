import type { FeatureValue } from '../codec/codec';
import { mapRows } from '../errors';
import type { Backend, RawValues } from '../backend/backend';
import { CircuitBreaker, type CircuitBreakerOptions } from '../backend/circuit-breaker';
import { createBackend } from '../backend/create-backend';
import type { Durability } from '../backend/redis-backend';
import { type EntityKey, type JoinKeyValue, keyId } from '../keys/entity-key';
import type { KeySchema } from '../keys/key-schema';
import { NearCache, type NearCacheStats } from '../near-cache/near-cache';
import type { RedisClient } from '../redis/create-redis-client';
import type { Registry } from '../registry/registry';
import type { EntityDefinition } from '../registry/registry.types';
import { FeatureRows } from '../read/feature-rows';
import { ReadPlan } from '../read/read-plan';
import { StreamConsumer, type StreamConsumerOptions } from '../stream/stream-consumer';
import { toStreamFields } from '../stream/stream-entry';
import type { WriteRow } from '../write/row-encoder';
import { type RejectedRow, RowWriter, type WriteResult } from '../write/row-writer';

/** Plans kept per store for request shapes other than an entity's full read. */
const PLAN_CACHE_SIZE = 1_000;

export interface FeatureStoreOptions {
  readonly registry: Registry;
  /** Prefixed to every key: "" (the default) keeps the original layout, else text ending with ":". */
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
  /**
   * Stop sending to a Redis that does not answer (see `CircuitBreaker`): after repeated Redis
   * errors every call fails at once and the queued commands are dropped, until a probe is
   * answered. Off by default.
   */
  readonly circuitBreaker?: CircuitBreakerOptions;
}

export interface ReadOptions {
  /** Only these features are fetched and returned; all of the entity's features by default. */
  readonly features?: readonly string[];
}

/** An entity read: the features of one entity (of the views keyed by it alone) for each id. */
export interface EntityReadRequest extends ReadOptions {
  readonly entity: string;
  readonly ids: readonly EntityKey[];
  /**
   * Only ids in the entity's index set are found (the original prototype's activity check:
   * removing an id from `all_users` deactivates it); checked in the same round trip.
   */
  readonly indexedOnly?: boolean;
}

/**
 * A feature read: features of any views, of one or several entities (`"view:feature"`), or a
 * feature service's, for entity rows that name each join key the features need.
 */
export type FeatureReadRequest = {
  readonly rows: readonly Readonly<Record<string, JoinKeyValue>>[];
} & ({ readonly features: readonly string[] } | { readonly featureService: string });

export type ReadRequest = EntityReadRequest | FeatureReadRequest;

/** Rows bulk loads handled for a view, by outcome (see `recordLoaded`). */
export interface LoadedRows {
  readonly written: number;
  readonly stale: number;
  readonly rejected: number;
}

/** What `get` and `getMany` return for an entity id that exists. */
export interface EntityRecord {
  readonly id: EntityKey;
  /** The requested features by name, typed by the registry; null where unset, expired or invalid. */
  readonly features: Record<string, FeatureValue>;
  /** Per view of the entity: event time (epoch ms) of the last row written, or null. */
  readonly eventTimes: Record<string, number | null>;
  /**
   * Views of the entity whose last row is older than their `max_age`: their features are
   * returned as null (the stored values are not served).
   */
  readonly expired: readonly string[];
}

/**
 * Reads and writes the features of the registry's entities in Redis, a single server or a Redis
 * Cluster (the client decides; the key layout is described in `KeySchema`).
 *
 * Every read is one request shape (`read`) answered in one round trip whatever its size and
 * however many entities it spans (one per master on a cluster), as `FeatureRows`: per entity row
 * and feature, a status, the value and its event time. Data that another writer left in Redis
 * never fails a read: a value that does not fit its type, or a key of another type, is served as
 * `INVALID`. Writes validate every row first, then apply each row atomically with
 * last-write-wins by event time. Errors are `FeatureStoreError`s; the store never logs.
 *
 * The hashes of key spaces whose views declare `near_cache` are served from the process's
 * memory, kept exact by Redis's invalidations (`NearCache`, which opens two connections of its own
 * per server at the first read of them and closes them when the given client ends).
 */
export class FeatureStore {
  readonly registry: Registry;
  readonly keys: KeySchema;
  private readonly backend: Backend;
  /** The backend without the near-cache, for calls that would only churn it. */
  private readonly redisBackend: Backend;
  private readonly nearCache: NearCache | null;
  private readonly writer: RowWriter;
  private readonly clock: () => number;
  private readonly fullPlans = new Map<string, ReadPlan>();
  private readonly plans = new Map<string, ReadPlan>();

  constructor(
    private readonly redis: RedisClient,
    options: FeatureStoreOptions,
  ) {
    this.registry = options.registry;
    const backend = createBackend(redis, options.namespace ?? '', options.durability);
    this.redisBackend = options.circuitBreaker ? new CircuitBreaker(backend, redis, options.circuitBreaker) : backend;
    const cached = this.registry.keySpaces.filter((space) => space.nearCache !== null);
    this.nearCache = cached.length > 0 ? new NearCache(this.redisBackend, redis, cached) : null;
    this.backend = this.nearCache ?? this.redisBackend;
    this.keys = this.backend.keys;
    this.writer = new RowWriter(this.registry, this.backend);
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Reads entity rows in one round trip.
   * @throws FeatureStoreError `UNKNOWN_ENTITY`, `UNKNOWN_VIEW`, `UNKNOWN_FEATURE`,
   *   `UNKNOWN_FEATURE_SERVICE`, `INVALID_ID` (with the row's index), `REDIS_ERROR`
   */
  read(request: ReadRequest): Promise<FeatureRows> {
    try {
      return 'entity' in request ? this.readEntity(request) : this.readFeatures(request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Features of one entity id, or null when the id was never written.
   * @throws FeatureStoreError as `read`
   */
  async get(entity: string, id: EntityKey, options: ReadOptions = {}): Promise<EntityRecord | null> {
    return (await this.getMany(entity, [id], options))[0]!;
  }

  /**
   * Features of many ids in one round trip, in request order; null for unknown ids.
   * @throws FeatureStoreError as `read`; `INVALID_ID` carries the index of the bad id as `row`.
   */
  async getMany(entity: string, ids: readonly EntityKey[], options: ReadOptions = {}): Promise<(EntityRecord | null)[]> {
    const rows = await this.read({ entity, ids, ...options });
    return ids.map((id, row) => entityRecord(rows, row, id));
  }

  /**
   * Validates every row against the view, then writes them in one pipelined round trip (two on a
   * cluster: the index first). Each row is applied atomically unless the stored row of the view
   * has a newer event time (then it counts as stale); the id joins the entity's index.
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `INVALID_ROW` / `INVALID_ID` (nothing written), `REDIS_ERROR`,
   *   `NOT_REPLICATED` (with `durability`); `StoredDataError` when data another writer left in
   *   Redis stopped some rows (it tells which; the others were written)
   */
  write(viewName: string, rows: readonly WriteRow[]): Promise<WriteResult> {
    return this.writer.write(viewName, rows);
  }

  /**
   * As `write`, but rows that cannot be written (they do not fit the view, or stored data stops
   * them) are left out and reported (index, field, reason) instead of failing the call: for
   * sources that set bad rows aside (a file, a stream).
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `REDIS_ERROR`, `NOT_REPLICATED`
   */
  writeValid(viewName: string, rows: readonly WriteRow[]): Promise<WriteResult & { rejected: RejectedRow[] }> {
    return this.writer.writeValid(viewName, rows);
  }

  /**
   * Checks rows against the view without writing: one entry per row that would be refused, with
   * its index, the field at fault and the reason; empty when every row fits.
   * @throws FeatureStoreError `UNKNOWN_VIEW`
   */
  validate(viewName: string, rows: readonly WriteRow[]): RejectedRow[] {
    return this.writer.validate(viewName, rows);
  }

  /**
   * Validates every row, then appends one entry per row to the view's stream (one round trip),
   * for the ingestor's stream consumer to apply. Returns the entry ids.
   * @param maxLength when set, trims the stream to about this many entries (MAXLEN ~).
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `INVALID_ROW` / `INVALID_ID` (nothing sent), `REDIS_ERROR`
   */
  async publish(viewName: string, rows: readonly WriteRow[], maxLength?: number): Promise<string[]> {
    this.writer.check(viewName, rows);
    return this.backend.append(this.keys.stream(viewName), rows.map(toStreamFields), maxLength);
  }

  /**
   * The event time (epoch ms) up to which offline data was materialized into the view (see
   * `advanceMaterialized`); null when nothing was.
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `REDIS_ERROR`
   */
  async materialized(viewName: string): Promise<number | null> {
    return this.backend.time(this.keys.materialized(this.registry.view(viewName).name));
  }

  /**
   * Records that offline data up to `eventTimeMs` is in the view, for incremental loads: the mark
   * only moves forward. Resolves with the mark stored afterwards.
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `REDIS_ERROR`
   */
  async advanceMaterialized(viewName: string, eventTimeMs: number): Promise<number> {
    return this.backend.advanceTime(this.keys.materialized(this.registry.view(viewName).name), eventTimeMs);
  }

  /**
   * Adds rows a bulk load handled to the view's counts kept in Redis, so that processes other
   * than the loader (the ingestor's metrics) can tell how many rows loads wrote.
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `REDIS_ERROR`
   */
  async recordLoaded(viewName: string, rows: Partial<LoadedRows>): Promise<void> {
    const key = this.keys.loaded(this.registry.view(viewName).name);
    const counts = Object.fromEntries(Object.entries(rows).filter(([, count]) => count !== undefined && count !== 0));
    await this.backend.addCounts(key, counts as Record<string, number>);
  }

  /**
   * The rows bulk loads recorded for the view since its counts were made (`recordLoaded`).
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `REDIS_ERROR`
   */
  async loaded(viewName: string): Promise<LoadedRows> {
    const { written = 0, stale = 0, rejected = 0 } = await this.backend.counts(this.keys.loaded(this.registry.view(viewName).name));
    return { written, stale, rejected };
  }

  /** A consumer of a view's stream (see `StreamConsumer`); call `ensureGroup()` first. */
  consumer(options: StreamConsumerOptions): StreamConsumer {
    return new StreamConsumer(this.writer, this.redis, this.keys, options);
  }

  /**
   * Which of `ids` are in the index of the entity (or composite key: `view.entity`), in order;
   * always asked of Redis (a bulk check, as a seeder makes, would only churn a near-cache).
   */
  async known(entity: string, ids: readonly EntityKey[]): Promise<boolean[]> {
    const space = this.registry.keySpace(entity);
    const members = mapRows(ids, idLabel, (id) => keyId(space, id));
    return this.redisBackend.isMember(members.map((member) => ({ set: this.keys.entityIndexOf(space.name, member), member })));
  }

  /** Number of ids in the index of the entity (or composite key). */
  async count(entity: string): Promise<number> {
    return this.backend.count(this.keys.entityIndexes(this.registry.keySpace(entity).name));
  }

  /**
   * Resolves when Redis answers a PING; on a cluster, when a node answers that the cluster state
   * is ok (every slot served: a master lost without a replica to take over fails it).
   */
  ping(): Promise<void> {
    return this.backend.ping();
  }

  /**
   * What the near-cache did (hits, misses, entries per key space; invalidations; drops by reason;
   * whether tracking is confirmed); null when no view of the registry declares `near_cache`.
   */
  nearCacheStats(): NearCacheStats | null {
    return this.nearCache?.stats() ?? null;
  }

  /**
   * Resolves once the near-cache applied every invalidation Redis sent before the call (or dropped
   * everything): a write's acknowledgement comes before its invalidation reaches the cache, so a
   * caller that must read what it just wrote through this store waits for this in between. At
   * once without a near-cache.
   */
  syncNearCache(): Promise<void> {
    return this.nearCache?.sync() ?? Promise.resolve();
  }

  private readEntity({ entity: entityName, ids, features, indexedOnly }: EntityReadRequest): Promise<FeatureRows> {
    const entity = this.registry.entity(entityName);
    const space = entity.name;
    const members = mapRows(ids, idLabel, (id) => keyId(entity, id));
    const keys = members.map((id) => this.keys.entityHash(space, id));
    const plan = this.entityPlan(entity, features);
    const planned = plan.spaces[0]!;
    const read = this.backend.read([{ keys, fields: planned.fields, maxKeyBytes: planned.maxKeyBytes, space }]);
    if (!indexedOnly) return read.then((replies) => new FeatureRows(plan, [keys], replies, this.clock()));
    const active = this.backend.isMember(members.map((member) => ({ set: this.keys.entityIndexOf(space, member), member })));
    return Promise.all([read, active]).then(([replies, isActive]) => {
      const gated = replies[0]!.map((values, row): RawValues => (isActive[row] ? values : INACTIVE));
      return new FeatureRows(plan, [keys], [gated], this.clock());
    });
  }

  private readFeatures(request: FeatureReadRequest): Promise<FeatureRows> {
    const plan = 'featureService' in request ? this.servicePlan(request.featureService) : this.featurePlan(request.features);
    const keys = plan.spaces.map((planned) =>
      mapRows(request.rows, rowLabel, (row) => this.keys.entityHash(planned.space.name, keyId(planned.space, row))),
    );
    const groups = plan.spaces.map((planned, space) => ({
      keys: keys[space]!,
      fields: planned.fields,
      maxKeyBytes: planned.maxKeyBytes,
      space: planned.space.name,
    }));
    return this.backend.read(groups).then((replies) => new FeatureRows(plan, keys, replies, this.clock()));
  }

  private entityPlan(entity: EntityDefinition, features: readonly string[] | undefined): ReadPlan {
    if (features === undefined) {
      return memo(this.fullPlans, entity.name, () => ReadPlan.forEntity(entity));
    }
    return memo(this.plans, `${entity.name}\u0000${features.join('\u0000')}`, () => ReadPlan.forEntity(entity, features));
  }

  private featurePlan(features: readonly string[]): ReadPlan {
    return memo(this.plans, `\u0001${features.join('\u0000')}`, () =>
      ReadPlan.forFeatures(features.map((reference) => this.registry.feature(reference))),
    );
  }

  private servicePlan(name: string): ReadPlan {
    return memo(this.plans, `\u0002${name}`, () => ReadPlan.forService(this.registry.featureService(name)));
  }
}

/** How a bad id of a read is named in its error: `ids[3]`, `rows[3]`. */
const idLabel = (row: number) => `ids[${row}]`;
const rowLabel = (row: number) => `rows[${row}]`;

/** The reply of an id outside the entity's index: as if its hash did not exist. */
const INACTIVE: RawValues = Object.freeze([]);

/** A plan from the cache, or a new one (the cache forgets everything once full: request shapes are few). */
function memo(cache: Map<string, ReadPlan>, key: string, make: () => ReadPlan): ReadPlan {
  let plan = cache.get(key);
  if (plan === undefined) {
    plan = make();
    if (cache.size >= PLAN_CACHE_SIZE) cache.clear();
    cache.set(key, plan);
  }
  return plan;
}

/** One row of an entity read as an `EntityRecord`; null when the id is unknown. */
function entityRecord(rows: FeatureRows, row: number, id: EntityKey): EntityRecord | null {
  if (!rows.found(row)) return null;
  const { plan } = rows;
  const features: Record<string, FeatureValue> = {};
  plan.columns.forEach((column, index) => (features[column.feature.name] = rows.value(row, index)));
  const eventTimes: Record<string, number | null> = {};
  const expired: string[] = [];
  plan.spaces[0]!.views.forEach((view, index) => {
    eventTimes[view.name] = rows.eventTime(row, 0, index);
    if (rows.expired(row, 0, index)) expired.push(view.name);
  });
  return { id, features, eventTimes, expired };
}
