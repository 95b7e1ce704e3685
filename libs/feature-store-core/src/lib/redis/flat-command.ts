import { type ChainableCommander, Command, type Pipeline } from 'ioredis';
import type { RedisClient } from './create-redis-client';

/** Where a command goes: a client (of a server or a cluster), or a pipeline (sent at its `exec`). */
export type CommandTarget = RedisClient | ChainableCommander;

/**
 * Sends the command `name` with `args` to `target`; its reply, strings as utf8. The command is
 * made without arguments and given them after: ioredis' `Command` flattens the arguments it is
 * made with (`Array.prototype.flat`, 65-90 ns an argument on Node 20), which the library's reads
 * would pay for every field of every key (about 0.6 µs an HMGET of six fields, 60 µs a 100-key
 * read on a cluster). `args` must be flat, and strings (a `Command` stringifies numbers as it is
 * made). On a pipeline, the reply is also the command's entry in the pipeline's result.
 */
export function sendFlat<T>(target: CommandTarget, name: string, args: string[]): Promise<T> {
  const command = new Command(name, [], { replyEncoding: 'utf8' });
  command.args = args;
  return send(target, command);
}

/** Sends a command made by hand to `target`; its reply (on a pipeline, also its entry in the pipeline's result). */
export function send<T>(target: CommandTarget, command: Command): Promise<T> {
  (target as RedisClient | Pipeline).sendCommand(command);
  return command.promise as Promise<T>;
}

/** HMGET of `fields` of `key`: a value per field, null for a missing field or hash. */
export function hmget(target: CommandTarget, key: string, fields: readonly string[]): Promise<(string | null)[]> {
  return sendFlat(target, 'hmget', [key, ...fields]);
}

/** SISMEMBER: 1 when `member` is in `set`, else 0. */
export function sismember(target: CommandTarget, set: string, member: string): Promise<number> {
  return sendFlat(target, 'sismember', [set, member]);
}
