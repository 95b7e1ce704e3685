import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from 'ioredis';
import type { RedisClient } from './create-redis-client';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** lua/write-rows-n.lua: the number of rows written (the others were stale). */
    fsWriteRows(keyCount: number, ...keysThenArguments: (string | number)[]): Result<number, Context>;
    /** lua/read-hashes-n.lua: a JSON array of the fields of every key, key by key (false: missing). */
    fsReadHashes(keyCount: number, ...keysThenFields: (string | number)[]): Result<string, Context>;
  }
}

/**
 * Script files, named `<name>-<number of keys>.lua` ("n": the caller passes the count first), and
 * the command each one is registered as.
 */
const SCRIPTS: readonly { command: string; file: string; numberOfKeys: number | undefined }[] = [
  { command: 'fsWriteRows', file: 'write-rows-n.lua', numberOfKeys: undefined },
  { command: 'fsReadHashes', file: 'read-hashes-n.lua', numberOfKeys: undefined },
];

const sources = new Map<string, string>();

function source(file: string): string {
  let lua = sources.get(file);
  if (lua === undefined) {
    lua = readFileSync(join(__dirname, '..', 'lua', file), 'utf8');
    sources.set(file, lua);
  }
  return lua;
}

/** Registers the library's scripts on a client (EVALSHA, falling back to EVAL once per script). */
export function defineScripts(redis: RedisClient): void {
  if (defined.has(redis)) return;
  for (const script of SCRIPTS) {
    redis.defineCommand(script.command, { numberOfKeys: script.numberOfKeys, lua: source(script.file) });
  }
  defined.add(redis);
}

const defined = new WeakSet<RedisClient>();
