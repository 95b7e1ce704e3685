import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from 'ioredis';
import type { RedisClient } from './create-redis-client';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** lua/write-rows-n.lua: one code per row (see `WriteCode`). */
    fsWriteRows(keyCount: number, ...keysThenArguments: (string | number)[]): Result<number[], Context>;
    /** lua/read-hashes-n.lua: a JSON array of the fields of every key, key by key. */
    fsReadHashes(keyCount: number, ...keysThenArguments: (string | number)[]): Result<string, Context>;
    /** lua/advance-time-1.lua: the time stored afterwards. */
    fsAdvanceTime(key: string, time: number): Result<number, Context>;
  }
}

/**
 * The library's Lua scripts: this module alone knows their argument layouts (the headers of
 * lua/*.lua describe them). Script files are named `<name>-<number of keys>.lua`, "n" when the
 * caller passes the count; each declares every key it touches.
 */
const SCRIPTS = [
  { command: 'fsWriteRows', file: 'write-rows-n.lua', numberOfKeys: undefined },
  { command: 'fsReadHashes', file: 'read-hashes-n.lua', numberOfKeys: undefined },
  { command: 'fsAdvanceTime', file: 'advance-time-1.lua', numberOfKeys: 1 },
] as const;

const defined = new WeakSet<RedisClient>();
const sources = new Map<string, string>(SCRIPTS.map((script) => [script.command, readFileSync(join(__dirname, '..', 'lua', script.file), 'utf8')]));

/** Registers the scripts on a client, once (EVALSHA, falling back to EVAL once per script). */
export function defineScripts(redis: RedisClient): void {
  if (defined.has(redis)) return;
  for (const script of SCRIPTS) {
    const lua = sources.get(script.command)!;
    redis.defineCommand(script.command, script.numberOfKeys === undefined ? { lua } : { lua, numberOfKeys: script.numberOfKeys });
  }
  defined.add(redis);
}

/** The same fields of every key of a group. */
export interface HashGroup {
  readonly keys: readonly string[];
  readonly fields: readonly string[];
  /** The most bytes one key's values can take in a reply; unknown when absent. */
  readonly maxKeyBytes?: number;
  /** The key space whose hashes these are (a near-cache serves those of its own spaces). */
  readonly space?: string;
}

/**
 * Queues one call of lua/read-hashes-n.lua reading the groups' fields of their keys, on a client
 * or a pipeline; the call resolves with the JSON text of one entry per key, groups in order.
 */
export function readHashes<T>(target: { fsReadHashes(...args: [number, ...(string | number)[]]): T }, groups: readonly HashGroup[]): T {
  const keys: string[] = [];
  const args: (string | number)[] = [groups.length];
  for (const group of groups) {
    keys.push(...group.keys);
    args.push(group.keys.length, group.fields.length, ...group.fields);
  }
  return target.fsReadHashes(keys.length, ...keys, ...args);
}

/** Outcome of one row of `writeRows`. */
export const WriteCode = {
  Written: 1,
  Stale: 0,
  /** The key holds another type than a hash. */
  WrongType: -1,
  /** The stored event time of the view is not a number. */
  BadStoredEventTime: -2,
} as const;
export type WriteCode = (typeof WriteCode)[keyof typeof WriteCode];

/** One row for the write script, already checked and encoded. */
export interface ScriptRow {
  /** The hash written. */
  readonly hash: string;
  /** Added to the index set when written. */
  readonly id: string;
  readonly eventTimeMs: number;
  /** Feature, value pairs to set, flattened. */
  readonly set: readonly string[];
  readonly unset: readonly string[];
}

/** What every row of one write script call shares. */
export interface ScriptWrite {
  /** The view's event-time field. */
  readonly eventTimeField: string;
  /** Expiry set on every hash written; null for none. */
  readonly ttlMs: number | null;
  /** The set that gains the id of every row written; null when the caller indexes them itself. */
  readonly index: string | null;
}

/**
 * Queues one call of lua/write-rows-n.lua for `rows` on a client or a pipeline; the call resolves
 * with one `WriteCode` per row.
 */
export function writeRows<T>(target: { fsWriteRows(...args: [number, ...(string | number)[]]): T }, write: ScriptWrite, rows: readonly ScriptRow[]): T {
  const keys = rows.map((row) => row.hash);
  if (write.index !== null) keys.push(write.index);
  const args: (string | number)[] = [rows.length, write.eventTimeField, write.ttlMs ?? 0];
  for (const { id, eventTimeMs, set, unset } of rows) args.push(id, eventTimeMs, set.length / 2, ...set, unset.length, ...unset);
  return target.fsWriteRows(keys.length, ...keys, ...args);
}
