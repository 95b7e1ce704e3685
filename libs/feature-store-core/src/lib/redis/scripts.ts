import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Pipeline } from 'ioredis';
import { type CommandTarget, send } from './flat-command';

/*
 * The library's Lua scripts: this module alone knows their argument layouts (the headers of
 * lua/*.lua describe them); each script declares every key it touches.
 */

/** A library script: its source and SHA-1, and the connections that have been sent its source. */
interface Script {
  readonly lua: string;
  readonly sha: string;
  /** The sockets on which Redis was sent the source (EVAL) and has not answered NOSCRIPT since. */
  readonly loadedOn: WeakSet<object>;
}

/** `lua/<file>`. Files are named `<name>-<number of keys>.lua`, "n" when the caller passes the count. */
function script(file: string): Script {
  const lua = readFileSync(join(__dirname, '..', 'lua', file), 'utf8');
  return { lua, sha: createHash('sha1').update(lua).digest('hex'), loadedOn: new WeakSet() };
}

const WRITE_ROWS = script('write-rows-n.lua');
const READ_HASHES = script('read-hashes-n.lua');
const ADVANCE_TIME = script('advance-time-1.lua');

/**
 * One call of a library script: EVALSHA, or EVAL with the source the first time on a connection
 * and again after Redis answered NOSCRIPT there (SCRIPT FLUSH, a restart), as ioredis'
 * `defineCommand` sends it. Made here rather than by `defineCommand` for the reason of `sendFlat`
 * (./flat-command): made without arguments and given them, already flat, after (a `defineCommand`
 * call flattens every argument: 7 µs of a 100-key read, a seventh of a write's client CPU). They
 * must be strings.
 */
class ScriptCommand extends Command {
  /** The socket it was last written to. */
  sentOn: object | undefined;

  constructor(
    private readonly script: Script,
    /** The arguments after the script: the number of keys, the keys, then the others. */
    args: readonly string[],
  ) {
    super('evalsha', [], { replyEncoding: 'utf8' });
    this.args = [script.sha, ...args];
  }

  override toWritable(socket: object): string | Buffer {
    const { loadedOn, lua, sha } = this.script;
    this.sentOn = socket;
    if (!loadedOn.has(socket)) {
      loadedOn.add(socket);
      this.name = 'eval';
      this.args[0] = lua;
    } else if (this.name === 'eval') {
      this.name = 'evalsha';
      this.args[0] = sha;
    }
    return super.toWritable(socket);
  }
}

/**
 * Sends one call of `script` to `target`; its reply. A call that Redis answers NOSCRIPT (it lost
 * the script: nothing ran) is sent once more, as EVAL (its connection no longer counts as loaded),
 * outside any pipeline, and its reply is the call's (in a pipeline too: a pipeline's result is each
 * command's promise).
 */
function callScript<T>(target: CommandTarget, script: Script, args: readonly string[]): Promise<T> {
  const command = new ScriptCommand(script, args);
  command.promise = command.promise.catch((error: unknown) => {
    if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
    if (command.sentOn !== undefined) script.loadedOn.delete(command.sentOn);
    return send(target instanceof Pipeline ? target.redis : target, new ScriptCommand(script, args));
  });
  return send(target, command);
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
 * One call of lua/read-hashes-n.lua reading the groups' fields of their keys, on a client or a
 * pipeline: the JSON text of one entry per key, groups in order.
 */
export function readHashes(target: CommandTarget, groups: readonly HashGroup[]): Promise<string> {
  let keyCount = 0;
  for (const group of groups) keyCount += group.keys.length;
  const args: string[] = [String(keyCount)];
  for (const group of groups) for (const key of group.keys) args.push(key);
  args.push(String(groups.length));
  for (const group of groups) {
    args.push(String(group.keys.length), String(group.fields.length));
    for (const field of group.fields) args.push(field);
  }
  return callScript(target, READ_HASHES, args);
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
 * One call of lua/write-rows-n.lua for `rows` on a client or a pipeline: one `WriteCode` per row.
 */
export function writeRows(target: CommandTarget, write: ScriptWrite, rows: readonly ScriptRow[]): Promise<WriteCode[]> {
  const args: string[] = [String(rows.length + (write.index === null ? 0 : 1))];
  for (const row of rows) args.push(row.hash);
  if (write.index !== null) args.push(write.index);
  args.push(String(rows.length), write.eventTimeField, String(write.ttlMs ?? 0));
  for (const { id, eventTimeMs, set, unset } of rows) {
    args.push(id, String(eventTimeMs), String(set.length / 2));
    for (const value of set) args.push(value);
    args.push(String(unset.length));
    for (const field of unset) args.push(field);
  }
  return callScript(target, WRITE_ROWS, args);
}

/** One call of lua/advance-time-1.lua: the time stored at `key` afterwards. */
export function advanceTime(target: CommandTarget, key: string, ms: number): Promise<number> {
  return callScript(target, ADVANCE_TIME, ['1', key, String(ms)]);
}
