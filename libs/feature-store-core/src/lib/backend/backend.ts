import type { KeySchema } from '../keys/key-schema';
import type { HashGroup, ScriptRow, WriteCode } from '../redis/scripts';

/**
 * The stored values of one hash as Redis returned them, positional in the fields read: a string,
 * or null / false for a missing field (or hash).
 */
export type RawValues = readonly (string | null | false)[];

/**
 * The reply for a key that holds another type than a hash (written by someone else): not an
 * outage and not a missing hash; reads serve the key as invalid. Compared by identity.
 */
export const WRONG_TYPE: RawValues = Object.freeze([]);

/** One row of a write: the script's row, plus the index set its id belongs to. */
export interface BackendRow extends ScriptRow {
  readonly index: string;
}

/** Rows of one view to write with last-write-wins by event time. */
export interface BackendWrite {
  readonly eventTimeField: string;
  readonly ttlMs: number | null;
  readonly rows: readonly BackendRow[];
}

/** A member to look up in a set. */
export interface SetMember {
  readonly set: string;
  readonly member: string;
}

/**
 * Where the store's data lives: one Redis server or a Redis Cluster. Every Redis command of the
 * store goes through this interface (as Feast's `OnlineStore`); the store itself keeps the
 * registry, validation and codec logic and knows no topology. Errors are `REDIS_ERROR`s.
 */
export interface Backend {
  /** The key layout of this topology. */
  readonly keys: KeySchema;
  /**
   * The fields of every key of every group, in one round trip (one per master on a cluster): per
   * group, per key, its values (`WRONG_TYPE` for a key that is not a hash).
   */
  read(groups: readonly HashGroup[]): Promise<RawValues[][]>;
  /** Writes the rows (each atomically, last write wins), their ids joining their index sets: one code per row. */
  write(write: BackendWrite): Promise<WriteCode[]>;
  /** Whether each member is in its set, in order. */
  isMember(members: readonly SetMember[]): Promise<boolean[]>;
  /** The summed sizes of the sets. */
  count(sets: readonly string[]): Promise<number>;
  /** Appends one entry per field list to a stream (trimmed to about `maxLength` entries when given); the entry ids. */
  append(stream: string, entries: readonly (readonly string[])[], maxLength?: number): Promise<string[]>;
  /** A time (epoch ms) stored at `key`, or null when there is none. */
  time(key: string): Promise<number | null>;
  /** Moves the time at `key` forward to `ms` (never back); resolves with the time stored afterwards. */
  advanceTime(key: string, ms: number): Promise<number>;
  /** Adds each count to its field of the hash at `key` (one round trip). */
  addCounts(key: string, counts: Readonly<Record<string, number>>): Promise<void>;
  /** The counts of the hash at `key` (empty when there is none). */
  counts(key: string): Promise<Record<string, number>>;
  /** Resolves when the store can serve (a PING; on a cluster, every slot served). */
  ping(): Promise<void>;
}
