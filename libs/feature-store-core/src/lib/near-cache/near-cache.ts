import type { Cluster, Redis } from 'ioredis';
import type { Backend, BackendWrite, RawValues, SetMember } from '../backend/backend';
import type { KeySchema } from '../keys/key-schema';
import type { RedisClient } from '../redis/create-redis-client';
import type { HashGroup, WriteCode } from '../redis/scripts';
import type { KeySpaceDefinition } from '../registry/registry.types';
import { type ClockEntry, ClockMap } from './clock-map';
import { ClusterTrackers } from './cluster-trackers';
import { SingleServerTrackers } from './single-server-trackers';
import { NEAR_CACHE_DROP_REASONS, type NearCacheDropReason, type TrackedHash, type TrackedRead, type Tracker } from './tracker';
import type { Trackers } from './trackers';

/** How often each server's tracking is checked (and a disarmed tracker tried again); also the check's time limit. */
const CHECK_INTERVAL_MS = 1_000;

/** What a near-cache did, since it was made; the application turns it into metrics. */
export interface NearCacheStats {
  readonly spaces: readonly NearCacheSpaceStats[];
  /** Keys that Redis invalidated. */
  readonly invalidations: number;
  /** Times the whole cache was dropped, by reason (see `NearCacheDropReason`). */
  readonly drops: Readonly<Record<NearCacheDropReason, number>>;
  /** Whether every server's tracking is confirmed (else some keys are read from Redis, uncached). */
  readonly armed: boolean;
}

export interface NearCacheSpaceStats {
  /** The key space (entity, or "a+b" for a composite key). */
  readonly space: string;
  /** Hashes served from memory, and read from Redis (to fill the cache, or uncached while it cannot). */
  readonly hits: number;
  readonly misses: number;
  /** Index lookups (the original contract's activity check) served from memory, and asked of Redis. */
  readonly indexHits: number;
  readonly indexMisses: number;
  /** Hashes held (reads in flight included). */
  readonly entries: number;
}

/** A cached hash: the key space's fields, as stored. */
interface HashEntry extends ClockEntry {
  /** Undefined while the read that fills it is in flight (a placeholder). */
  values: RawValues | undefined;
  /** While in flight: the read that every reader of the key waits for. */
  read: Promise<RawValues> | undefined;
  /** Epoch ms from which Redis may have expired the hash (PTTL when it was read); Infinity for none. */
  expiresAt: number;
}

interface MemberEntry extends ClockEntry {
  readonly member: boolean;
}

/** The cache of one key space. */
class SpaceCache {
  /** Every field the registry gives the space's hashes: its features, then each view's event-time field. */
  readonly fields: readonly string[];
  /** Hashes of an entity with a ttl expire in Redis: their entries keep the time left (PTTL). */
  readonly withTtl: boolean;
  readonly hashes: ClockMap<HashEntry>;
  hits = 0;
  misses = 0;
  indexHits = 0;
  indexMisses = 0;
  /** Per requested field list (the plans' arrays, kept by the store): each field's index in `fields`; null when the same. */
  private readonly projections = new WeakMap<readonly string[], readonly number[] | null>();

  constructor(readonly space: KeySpaceDefinition) {
    this.fields = [...space.features.map((feature) => feature.name), ...space.views.map((view) => view.eventTimeField)];
    this.withTtl = space.ttlMs !== null;
    this.hashes = new ClockMap(space.nearCache!.maxEntries);
  }

  /** A hash's stored values, as a read of `fields` returns them. */
  project(values: RawValues, fields: readonly string[]): RawValues {
    if (values.length === 0) return values; // WRONG_TYPE
    let projection = this.projections.get(fields);
    if (projection === undefined) {
      const indexes = fields.map((field) => this.fields.indexOf(field));
      projection = indexes.every((index, at) => index === at) && indexes.length === this.fields.length ? null : indexes;
      this.projections.set(fields, projection);
    }
    if (projection === null) return values;
    return projection.map((index) => (index < 0 ? null : values[index]!));
  }
}

/** The index set of a cached key space, and the memberships read from it. */
class IndexCache {
  /** Moves whenever the set changes in Redis: a membership read before must not fill the cache. */
  version = 0;
  readonly members: ClockMap<MemberEntry>;

  constructor(readonly space: SpaceCache) {
    this.members = new ClockMap(space.hashes.capacity);
  }

  invalidate(): void {
    this.version += 1;
    this.members.clear();
  }
}

/** Rows of a group read from the wrapped backend as asked: some, or all (null). */
interface Uncached {
  readonly group: number;
  readonly rows: number[] | null;
}

/** A hash being read to fill its entry. */
interface Fill {
  readonly space: SpaceCache;
  readonly key: string;
  readonly entry: HashEntry;
  resolve(values: RawValues): void;
  reject(error: unknown): void;
}

/**
 * A `Backend` that serves the hashes of some key spaces (those whose views declare `near_cache`)
 * from process memory, kept exact by Redis's server-assisted client-side caching (`Tracker`);
 * every other call, and every other key, goes to the backend it wraps.
 *
 * A hash is cached whole (every field the registry gives its key space), as stored: whatever the
 * projection asked, the entry serves it, and the store judges statuses and max ages at read time
 * as for any read. An entity's index membership (the original contract's activity check) is
 * cached too, per index set.
 *
 * Never serving what Redis invalidated:
 * - A miss puts a placeholder entry before its read is sent (on the tracked connection, so Redis
 *   tracks the key as it reads it); other readers of the key wait for that read. An invalidation
 *   deletes the entry, placeholder or not; a read fills the entry only if its placeholder is still
 *   there and the cache was not dropped since it was sent (`generation`). So a read that Redis
 *   answered before a write cannot land after that write's invalidation. A membership read fills
 *   only if its set's `version` did not move meanwhile.
 * - The whole cache drops, and reads are served from Redis until tracking is confirmed again, on
 *   any loss (`NearCacheDropReason`): a connection closed, FLUSHALL / FLUSHDB, a broken redirect
 *   or a failed check (every second), a topology change on a cluster, a failed tracked read.
 * - Keys of other key spaces are never read on the tracked connections, so never tracked.
 *
 * A read that the cache cannot serve from a tracked read (a failed one) is served from the
 * wrapped backend, so the cache never fails a read that would succeed without it. Writes go to
 * Redis as before: their invalidations come back like any other writer's, so a reader in this
 * process may see the previous value until then (`sync` waits for them).
 *
 * Evicting an entry does not untrack its key: Redis forgets a key once it invalidated it, and
 * bounds the keys it tracks for all clients (`tracking-table-max-keys`) by invalidating some.
 */
export class NearCache implements Backend {
  readonly keys: KeySchema;
  private readonly spaces = new Map<string, SpaceCache>();
  private readonly indexes = new Map<string, IndexCache>();
  private trackers: Trackers | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Moves at every drop: a read sent before must not fill the cache. */
  private generation = 0;
  private invalidations = 0;
  private readonly drops = Object.fromEntries(NEAR_CACHE_DROP_REASONS.map((reason) => [reason, 0])) as Record<NearCacheDropReason, number>;

  /**
   * @param cached the key spaces to cache, each with its `nearCache`
   * @param redis the store's client: the cache opens connections of its own with its settings
   *   (two per server; made at the first read of a cached key space) and closes them when it ends.
   */
  constructor(
    private readonly inner: Backend,
    private readonly redis: RedisClient,
    cached: readonly KeySpaceDefinition[],
  ) {
    this.keys = inner.keys;
    for (const space of cached) {
      const cache = new SpaceCache(space);
      this.spaces.set(space.name, cache);
      for (const set of this.keys.entityIndexes(space.name)) this.indexes.set(set, new IndexCache(cache));
    }
  }

  read(groups: readonly HashGroup[]): Promise<RawValues[][]> {
    const results = groups.map((group) => new Array<RawValues>(group.keys.length));
    let waits: Promise<unknown>[] | undefined;
    let uncached: Uncached[] | undefined;
    let fills: Map<Tracker, Fill[]> | undefined;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      const space = group.space === undefined ? undefined : this.spaces.get(group.space);
      if (space === undefined) {
        (uncached ??= []).push({ group: g, rows: null });
        continue;
      }
      const trackers = this.trackers ?? this.start();
      const out = results[g]!;
      let rows: number[] | undefined;
      for (let row = 0; row < group.keys.length; row++) {
        const key = group.keys[row]!;
        const entry = space.hashes.get(key);
        if (entry?.values !== undefined && (entry.expiresAt === Infinity || entry.expiresAt > Date.now())) {
          entry.used = true;
          space.hits += 1;
          out[row] = space.project(entry.values, group.fields);
          continue;
        }
        space.misses += 1;
        let read = entry?.values === undefined ? entry?.read : undefined;
        if (read === undefined) {
          const tracker = trackers.armedFor(key);
          if (tracker === undefined || !sentAsIs(key)) {
            (rows ??= []).push(row);
            continue;
          }
          read = this.placeholder(space, key, tracker, (fills ??= new Map()));
        }
        (waits ??= []).push(read.then((values) => (out[row] = space.project(values, group.fields))));
      }
      if (rows) (uncached ??= []).push({ group: g, rows });
    }
    if (fills) for (const [tracker, batch] of fills) void this.fill(tracker, batch);
    if (uncached) (waits ??= []).push(this.readUncached(groups, uncached, results));
    return waits ? Promise.all(waits).then(() => results) : Promise.resolve(results);
  }

  isMember(members: readonly SetMember[]): Promise<boolean[]> {
    const found = new Array<boolean>(members.length);
    let uncached: number[] | undefined;
    let reads: Map<string, { readonly tracker: Tracker; readonly positions: number[] }> | undefined;
    for (let at = 0; at < members.length; at++) {
      const { set, member } = members[at]!;
      const index = this.indexes.get(set);
      if (index === undefined) {
        (uncached ??= []).push(at);
        continue;
      }
      const entry = index.members.get(member);
      if (entry !== undefined) {
        entry.used = true;
        index.space.indexHits += 1;
        found[at] = entry.member;
        continue;
      }
      index.space.indexMisses += 1;
      const tracker = (this.trackers ?? this.start()).armedFor(set);
      if (tracker === undefined) (uncached ??= []).push(at);
      else {
        const read = (reads ??= new Map()).get(set);
        if (read) read.positions.push(at);
        else reads.set(set, { tracker, positions: [at] });
      }
    }
    if (!uncached && !reads) return Promise.resolve(found);
    const waits: Promise<void>[] = [];
    for (const [set, { tracker, positions }] of reads ?? []) waits.push(this.readMembers(tracker, set, positions, members, found));
    if (uncached) waits.push(this.readMembersUncached(uncached, members, found));
    return Promise.all(waits).then(() => found);
  }

  write(write: BackendWrite): Promise<WriteCode[]> {
    return this.inner.write(write);
  }

  count(sets: readonly string[]): Promise<number> {
    return this.inner.count(sets);
  }

  append(stream: string, entries: readonly (readonly string[])[], maxLength?: number): Promise<string[]> {
    return this.inner.append(stream, entries, maxLength);
  }

  time(key: string): Promise<number | null> {
    return this.inner.time(key);
  }

  advanceTime(key: string, ms: number): Promise<number> {
    return this.inner.advanceTime(key, ms);
  }

  addCounts(key: string, counts: Readonly<Record<string, number>>): Promise<void> {
    return this.inner.addCounts(key, counts);
  }

  counts(key: string): Promise<Record<string, number>> {
    return this.inner.counts(key);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  /**
   * Resolves once every invalidation that Redis sent before the call has been applied (or the
   * cache dropped): a reader that must see a write it was told of (its own, say) waits for this
   * between the write's acknowledgement and its read.
   */
  async sync(): Promise<void> {
    await Promise.all((this.trackers?.all() ?? []).map((tracker) => tracker.sync()));
  }

  stats(): NearCacheStats {
    const trackers = this.trackers?.all() ?? [];
    return {
      spaces: [...this.spaces.values()].map(({ space, hits, misses, indexHits, indexMisses, hashes }) => ({
        space: space.name,
        hits,
        misses,
        indexHits,
        indexMisses,
        entries: hashes.size,
      })),
      invalidations: this.invalidations,
      drops: { ...this.drops },
      armed: trackers.length > 0 && trackers.every((tracker) => tracker.armed),
    };
  }

  /** The trackers, made at the first read of a cached key space: a store that only writes opens no connection. */
  private start(): Trackers {
    if (this.redis.status === 'end') return (this.trackers = CLOSED);
    const events = { invalidated: (keys: readonly Buffer[] | null) => this.invalidated(keys), lost: (reason: NearCacheDropReason) => this.drop(reason) };
    const trackers = (this.trackers = this.redis.isCluster
      ? new ClusterTrackers(this.redis as Cluster, events)
      : new SingleServerTrackers(this.redis as Redis, events));
    this.timer = setInterval(() => trackers.all().forEach((tracker) => void tracker.check(CHECK_INTERVAL_MS)), CHECK_INTERVAL_MS);
    this.timer.unref();
    // The cache's connections end with the client the store was given.
    this.redis.once('end', () => this.close());
    return trackers;
  }

  private close(): void {
    if (this.timer) clearInterval(this.timer);
    this.trackers?.close();
    this.trackers = CLOSED;
    this.drop('disconnect');
  }

  /** Puts a placeholder for `key` and queues its read on `tracker`; the promise of its values. */
  private placeholder(space: SpaceCache, key: string, tracker: Tracker, fills: Map<Tracker, Fill[]>): Promise<RawValues> {
    const entry: HashEntry = { used: false, values: undefined, read: undefined, expiresAt: Infinity };
    let fill: Fill | undefined;
    entry.read = new Promise<RawValues>((resolve, reject) => (fill = { space, key, entry, resolve, reject }));
    space.hashes.set(key, entry);
    const batch = fills.get(tracker);
    if (batch) batch.push(fill!);
    else fills.set(tracker, [fill!]);
    return entry.read;
  }

  /**
   * Reads the hashes of `batch` with tracking and fills each entry that is still its placeholder,
   * in the same generation; every waiting reader gets the values either way. When the tracked
   * read fails, the cache drops and the values come from the wrapped backend (uncached).
   */
  private async fill(tracker: Tracker, batch: readonly Fill[]): Promise<void> {
    const generation = this.generation;
    const sentAt = Date.now();
    const reads: TrackedRead[] = batch.map(({ space, key }) => ({ key, fields: space.fields, withTtl: space.withTtl }));
    let hashes: TrackedHash[];
    try {
      hashes = await tracker.read(reads);
    } catch (error) {
      tracker.failed(error);
      return this.fillUncached(batch);
    }
    batch.forEach(({ space, key, entry, resolve }, at) => {
      const { values, ttlMs } = hashes[at]!;
      if (this.generation === generation && space.hashes.get(key) === entry) {
        // Frozen: the values never change, so reads judge them once (see `FeatureRows`).
        entry.values = Object.freeze(values);
        entry.read = undefined;
        // Measured from before the read was sent: the entry expires no later than the hash.
        if (ttlMs !== null && ttlMs >= 0) entry.expiresAt = sentAt + ttlMs;
      }
      resolve(values);
    });
  }

  /** The values of `batch` from the wrapped backend: served, not cached. */
  private async fillUncached(batch: readonly Fill[]): Promise<void> {
    for (const { space, key, entry } of batch) if (space.hashes.get(key) === entry) space.hashes.delete(key);
    try {
      const replies = await this.inner.read(batch.map(({ space, key }) => ({ keys: [key], fields: space.fields })));
      batch.forEach(({ resolve }, at) => resolve(replies[at]![0]!));
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  /** The rows of groups the cache does not serve, read as asked through the wrapped backend, into `results`. */
  private async readUncached(groups: readonly HashGroup[], uncached: readonly Uncached[], results: RawValues[][]): Promise<void> {
    const replies = await this.inner.read(
      uncached.map(({ group, rows }) => {
        const asked = groups[group]!;
        return rows === null ? asked : { ...asked, keys: rows.map((row) => asked.keys[row]!) };
      }),
    );
    uncached.forEach(({ group, rows }, at) => {
      if (rows === null) results[group] = replies[at]!;
      else rows.forEach((row, position) => (results[group]![row] = replies[at]![position]!));
    });
  }

  /** Memberships in one cached index set, read with tracking; filled if the set did not change meanwhile. */
  private async readMembers(tracker: Tracker, set: string, positions: readonly number[], members: readonly SetMember[], found: boolean[]): Promise<void> {
    const index = this.indexes.get(set)!;
    const generation = this.generation;
    const version = index.version;
    const names = positions.map((at) => members[at]!.member);
    let reply: boolean[];
    try {
      reply = await tracker.isMember(set, names);
    } catch (error) {
      tracker.failed(error);
      return this.readMembersUncached(positions, members, found);
    }
    const fills = this.generation === generation && index.version === version;
    positions.forEach((at, position) => {
      found[at] = reply[position]!;
      if (fills) index.members.set(names[position]!, { used: false, member: reply[position]! });
    });
  }

  private async readMembersUncached(positions: readonly number[], members: readonly SetMember[], found: boolean[]): Promise<void> {
    const reply = await this.inner.isMember(positions.map((at) => members[at]!));
    positions.forEach((at, position) => (found[at] = reply[position]!));
  }

  private invalidated(keys: readonly Buffer[] | null): void {
    if (keys === null) return this.drop('flush');
    for (const bytes of keys) {
      const key = bytes.toString();
      this.invalidations += 1;
      const index = this.indexes.get(key);
      if (index) {
        index.invalidate();
        continue;
      }
      for (const space of this.spaces.values()) if (space.hashes.delete(key)) break;
    }
  }

  /** Drops everything: every entry and membership, and every server's confirmation of tracking. */
  private drop(reason: NearCacheDropReason): void {
    const trackers = this.trackers?.all() ?? [];
    if (trackers.some((tracker) => tracker.armed)) this.drops[reason] += 1;
    this.generation += 1;
    for (const space of this.spaces.values()) space.hashes.clear();
    for (const index of this.indexes.values()) index.invalidate();
    for (const tracker of trackers) tracker.disarm();
  }
}

/** The trackers of a cache whose client ended: none, every read from the wrapped backend. */
const CLOSED: Trackers = { armedFor: () => undefined, all: () => [], close: () => undefined };

/**
 * Whether Redis names `key` as the same string when it invalidates it (its bytes decode back to
 * it): a string holding a lone surrogate is sent as other bytes, so its entry could never be
 * invalidated. Such keys are read uncached.
 */
function sentAsIs(key: string): boolean {
  return !/[\uD800-\uDFFF]/.test(key) || Buffer.from(key).toString() === key;
}
