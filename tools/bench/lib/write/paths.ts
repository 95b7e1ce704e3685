// The write paths the write bench measures, and the plain HSET baseline each is compared with.
// Every run writes the same rows into an empty Redis and reports rows/s, plus the CPU time per
// row of the process that wrote (the bench, the API or the ingestor) and of redis-server.
import { performance } from 'node:perf_hooks';
import type { FeatureStore, KeySchema } from '@feature-store/core';
import type { Redis } from 'ioredis';
import { cpuMs, exitedChildrenCpuMs } from '../proc-cpu';
import { startProcess } from '../processes';
import type { PrivateRedis } from '../redis';
import type { Server } from '../servers';
import type { Builds } from './builds';
import { ENTITY, type PushBody, type Row, VIEW, hashFields, streamFields } from './rows';

const STREAM_GROUP = 'feature-store';
export const PUSH_KEY = 'bench-key-0123456789abcdef';
const STREAM_POLL_MS = 20;

/** What every path and baseline run reads and writes through. */
export interface WriteContext {
  readonly root: string;
  readonly builds: Builds;
  readonly server: PrivateRedis;
  /** A plain ioredis client: the baselines write through it, the checks and FLUSHDB go through it. */
  readonly redis: Redis;
  /** The store's keys (single-server layout, no namespace). */
  readonly keys: KeySchema;
  /** The library path: the core as imported through the workspace, on its own client. */
  readonly store: FeatureStore;
  /** The hash field the view keeps its event time in. */
  readonly eventTimeField: string;
  readonly warn: (message: string) => void;
  /** The API under push; null when push is not measured. */
  readonly api: Server | null;
}

/** CPU µs per row of the process that wrote and of redis-server; null where /proc is missing. */
export interface CpuPerRow {
  readonly writer: number | null;
  readonly redis: number | null;
}

/** One timed run of a path or a baseline; the paths add what they alone measure. */
export interface TimedWrite {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerS: number;
  readonly cpuUsPerRow: CpuPerRow;
  /** loader: the whole process, Nest's start-up included. */
  readonly wallSeconds?: number;
  readonly wallRowsPerS?: number;
  /** push: requests that failed (not retried) and the first of them. */
  readonly failedRequests?: number;
  readonly failures?: readonly PushFailure[];
  /** stream: from spawning the consumer to its group's creation, and the XADD beforehand. */
  readonly startupSeconds?: number;
  readonly xaddSeconds?: number;
  readonly xaddRowsPerS?: number;
}

interface PushFailure {
  readonly request: number;
  readonly status: number;
  readonly body: string;
}

/** Environment of an ingestor process on the bench's Redis, default registry and namespace. */
export function ingestorEnv(redisUrl: string, extra: Readonly<Record<string, string>> = {}): Record<string, string | undefined> {
  return { REDIS_URL: redisUrl, REGISTRY_PATH: 'registry/features.yaml', KEY_NAMESPACE: undefined, NO_COLOR: '1', ...extra };
}

/** Runs `task(0) .. task(count - 1)` with at most `inFlight` of them pending at a time. */
async function pool(count: number, inFlight: number, task: (index: number) => Promise<void>): Promise<void> {
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(inFlight)) throw new Error(`pool: bad count ${count} or inFlight ${inFlight}`);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}

/** Throws on the first failed command of a pipeline: every reply is checked. */
function checkReplies(replies: [Error | null, unknown][] | null, what: string): void {
  if (!replies) throw new Error(`${what}: pipeline got no reply`);
  const failed = replies.find(([error]) => error);
  if (failed) throw new Error(`${what}: ${failed[0]?.message}`);
}

const cpuDeltaUsPerRow = (before: number | null, after: number | null, rows: number) =>
  before === null || after === null || rows === 0 ? null : ((after - before) * 1000) / rows;

type Written = { readonly rows: number } & Omit<TimedWrite, 'rows' | 'seconds' | 'rowsPerS' | 'cpuUsPerRow'>;

/**
 * Times `write()` (which resolves with `{ rows, ...details }`), with the CPU per row of the
 * process at `writerPid` and of Redis.
 */
async function timed(ctx: WriteContext, writerPid: number | undefined, write: () => Promise<Written>): Promise<TimedWrite> {
  const redisPid = ctx.server.handle.child.pid;
  const before = [cpuMs(writerPid), cpuMs(redisPid)];
  const started = performance.now();
  const { rows, ...details } = await write();
  const seconds = (performance.now() - started) / 1000;
  const after = [cpuMs(writerPid), cpuMs(redisPid)];
  return {
    rows,
    seconds,
    rowsPerS: rows / seconds,
    cpuUsPerRow: { writer: cpuDeltaUsPerRow(before[0], after[0], rows), redis: cpuDeltaUsPerRow(before[1], after[1], rows) },
    ...details,
  };
}

/**
 * The baseline: `HSET <entity hash> field value ...` of the five features, pipelined by
 * `batchSize` with `inFlight` pipelines pending, from the bench process. No script, no event
 * time, no index set.
 */
export function plainHset(ctx: WriteContext, rows: readonly Row[], { batchSize, inFlight }: { batchSize: number; inFlight: number }): Promise<TimedWrite> {
  const { redis, keys } = ctx;
  return timed(ctx, process.pid, async () => {
    await pool(Math.ceil(rows.length / batchSize), inFlight, async (batch) => {
      const pipeline = redis.pipeline();
      const end = Math.min(rows.length, (batch + 1) * batchSize);
      for (let index = batch * batchSize; index < end; index += 1) {
        pipeline.hset(keys.entityHash(ENTITY, rows[index].id), ...hashFields(rows[index]));
      }
      checkReplies(await pipeline.exec(), 'HSET');
    });
    return { rows: rows.length };
  });
}

/** FeatureStore.write in this process (validate, encode, one Lua script per row, pipelined), batch after batch. */
export function libraryWrite(ctx: WriteContext, rows: readonly Row[], { batchSize }: { batchSize: number }): Promise<TimedWrite> {
  return timed(ctx, process.pid, async () => {
    let written = 0;
    let stale = 0;
    for (let start = 0; start < rows.length; start += batchSize) {
      const result = await ctx.store.write(VIEW, rows.slice(start, start + batchSize));
      written += result.written;
      stale += result.stale;
    }
    if (written !== rows.length) throw new Error(`library: ${written} rows written, ${stale} stale, of ${rows.length}`);
    return { rows: written };
  });
}

/** The loader's summary: "<n> rows read, <n> written, <n> stale, <n> rejected[; <files>] (<n> rows/s, <s> s)". */
const LOADED = /(\d+) rows read, (\d+) written, (\d+) stale, (\d+) rejected.*?\((\d+) rows\/s, ([\d.]+) s\)/g;

/**
 * The bulk loader as a user runs it: `ingestor load --view user_features <file>`. rows/s is the
 * loader's own summary (from the first row read to the last written: file parsing included,
 * process start excluded); the wall time of the whole process is kept beside it.
 */
export async function loaderRun(
  ctx: WriteContext,
  file: string,
  count: number,
  { batchSize, nodeArgs = [] }: { batchSize: number; nodeArgs?: readonly string[] },
): Promise<TimedWrite> {
  const redisPid = ctx.server.handle.child.pid;
  const before = [exitedChildrenCpuMs(), cpuMs(redisPid)];
  const started = performance.now();
  const args = [...nodeArgs, ctx.builds.ingestorMain, 'load', '--view', VIEW, '--batch-size', String(batchSize), file];
  const handle = await startProcess('loader', process.execPath, args, { cwd: ctx.root, env: ingestorEnv(ctx.server.url), quiet: true });
  const { code, signal } = await handle.exited;
  const wallSeconds = (performance.now() - started) / 1000;
  const after = [exitedChildrenCpuMs(), cpuMs(redisPid)];
  if (code !== 0) throw new Error(`the loader exited with ${code ?? signal} (3: rows rejected):\n${handle.output()}`);
  const summary = [...handle.output().matchAll(LOADED)].at(-1);
  if (!summary) throw new Error(`no summary line in the loader's output:\n${handle.output()}`);
  const [read, written, stale, rejected, rate, seconds] = summary.slice(1).map(Number);
  if (read !== count || written !== count) {
    throw new Error(`loader: ${read} rows read, ${written} written, ${stale} stale, ${rejected} rejected, of ${count}`);
  }
  return {
    rows: written,
    seconds,
    rowsPerS: rate,
    wallSeconds,
    wallRowsPerS: written / wallSeconds,
    // The loader's CPU covers its whole life, Nest's start-up included.
    cpuUsPerRow: { writer: cpuDeltaUsPerRow(before[0], after[0], written), redis: cpuDeltaUsPerRow(before[1], after[1], written) },
  };
}

/**
 * POST /v1/push/user_features with pre-serialised bodies, `inFlight` requests at a time, end to
 * end (HTTP, JSON parsing and validation, the write). Failed requests are counted, not retried.
 */
export function pushRun(ctx: WriteContext, api: Server, bodies: readonly PushBody[], { inFlight }: { inFlight: number }): Promise<TimedWrite> {
  const url = `${api.url}/v1/push/${VIEW}`;
  const headers = { 'content-type': 'application/json', 'x-api-key': PUSH_KEY };
  return timed(ctx, api.handle.child.pid, async () => {
    let written = 0;
    const failures: PushFailure[] = [];
    await pool(bodies.length, inFlight, async (index) => {
      const response = await fetch(url, { method: 'POST', headers, body: bodies[index].body });
      const text = await response.text();
      if (response.status !== 200) {
        failures.push({ request: index, status: response.status, body: text.slice(0, 200) });
        return;
      }
      const answer = JSON.parse(text) as { written: number };
      if (answer.written !== bodies[index].rows) failures.push({ request: index, status: 200, body: text.slice(0, 200) });
      written += answer.written;
    });
    return { rows: written, failedRequests: failures.length, failures: failures.slice(0, 5) };
  });
}

/** XINFO GROUPS of the stream, as name -> value, for the consumer's group; null before it exists. */
async function groupInfo(redis: Redis, streamKey: string): Promise<Record<string, unknown> | null> {
  const groups = (await redis.xinfo('GROUPS', streamKey)) as unknown[][];
  for (const flat of groups) {
    const info: Record<string, unknown> = {};
    for (let index = 0; index + 1 < flat.length; index += 2) info[String(flat[index])] = flat[index + 1];
    if (info.name === STREAM_GROUP) return info;
  }
  return null;
}

/**
 * The stream path: XADD every row to stream:user_features (timed apart), then start
 * `ingestor consume` and time from the moment its group exists until the group has read every
 * entry with lag 0 and pending 0. rows/s is rows applied per second by the consumer.
 */
export async function streamRun(ctx: WriteContext, rows: readonly Row[], { batchSize }: { batchSize: number }): Promise<TimedWrite> {
  const { redis, keys } = ctx;
  const streamKey = keys.stream(VIEW);
  const xaddStarted = performance.now();
  for (let start = 0; start < rows.length; start += batchSize) {
    const pipeline = redis.pipeline();
    for (const row of rows.slice(start, start + batchSize)) pipeline.xadd(streamKey, '*', ...streamFields(row));
    checkReplies(await pipeline.exec(), 'XADD');
  }
  const xaddSeconds = (performance.now() - xaddStarted) / 1000;

  const redisPid = ctx.server.handle.child.pid;
  const spawned = performance.now();
  const handle = await startProcess('consumer', process.execPath, [ctx.builds.ingestorMain, 'consume'], {
    cwd: ctx.root,
    env: ingestorEnv(ctx.server.url, { INGEST_STREAM_VIEWS: VIEW }),
    quiet: true,
  });
  const consumerPid = handle.child.pid;
  const deadline = spawned + Math.max(120_000, rows.length); // 1 ms per row: far slower than any real run
  let start: { at: number; cpu: (number | null)[] } | null = null;
  try {
    for (;;) {
      if (handle.child.exitCode !== null || handle.child.signalCode !== null) {
        throw new Error(`the consumer exited before the stream was drained:\n${handle.output()}`);
      }
      const info = await groupInfo(redis, streamKey);
      const now = performance.now();
      if (info && start === null) start = { at: now, cpu: [cpuMs(consumerPid), cpuMs(redisPid)] };
      if (info && start && info['entries-read'] === rows.length && info.lag === 0 && info.pending === 0) {
        const seconds = (now - start.at) / 1000;
        const cpu = [cpuMs(consumerPid), cpuMs(redisPid)];
        return {
          rows: rows.length,
          seconds,
          rowsPerS: rows.length / seconds,
          startupSeconds: (start.at - spawned) / 1000,
          xaddSeconds,
          xaddRowsPerS: rows.length / xaddSeconds,
          cpuUsPerRow: {
            writer: cpuDeltaUsPerRow(start.cpu[0], cpu[0], rows.length),
            redis: cpuDeltaUsPerRow(start.cpu[1], cpu[1], rows.length),
          },
        };
      }
      if (now > deadline) throw new Error(`the consumer did not drain ${rows.length} entries in time; group: ${JSON.stringify(info)}`);
      await new Promise((done) => setTimeout(done, STREAM_POLL_MS));
    }
  } finally {
    const { code, signal } = await handle.stop();
    if (code !== 0 && start !== null) ctx.warn(`the consumer exited with ${code ?? signal} after SIGTERM`);
  }
}

/** After a path: every row landed in its hash with its event time, and every id in the index set. */
export async function verifyStored(ctx: WriteContext, rows: readonly Row[]): Promise<void> {
  const { redis, keys } = ctx;
  const last = rows[rows.length - 1];
  const [indexed, stored, deadLetters] = await Promise.all([
    redis.scard(keys.entityIndexes(ENTITY)[0]),
    redis.hgetall(keys.entityHash(ENTITY, last.id)),
    redis.exists(keys.deadLetter(VIEW)),
  ]);
  const expected = Object.fromEntries([...pairs(hashFields(last)), [ctx.eventTimeField, String(last.eventTime)]]);
  if (indexed !== rows.length || !sameFields(stored, expected) || deadLetters !== 0) {
    throw new Error(
      `check after the write: ${indexed} ids indexed (expected ${rows.length}), dead letters: ${deadLetters}, ` +
        `${last.id} holds ${JSON.stringify(stored)} (expected ${JSON.stringify(expected)})`,
    );
  }
}

/** After a baseline: one hash per row, holding the five features. */
export async function verifyPlain(ctx: WriteContext, rows: readonly Row[]): Promise<void> {
  const { redis, keys } = ctx;
  const last = rows[rows.length - 1];
  const [size, stored] = await Promise.all([redis.dbsize(), redis.hgetall(keys.entityHash(ENTITY, last.id))]);
  const expected = Object.fromEntries(pairs(hashFields(last)));
  if (size !== rows.length || !sameFields(stored, expected)) {
    throw new Error(`check after the baseline: ${size} keys (expected ${rows.length}), ${last.id} holds ${JSON.stringify(stored)}`);
  }
}

function* pairs(flat: readonly string[]): Generator<[string, string]> {
  for (let index = 0; index + 1 < flat.length; index += 2) yield [flat[index], flat[index + 1]];
}

function sameFields(actual: Record<string, string>, expected: Record<string, string>): boolean {
  const names = Object.keys(expected);
  return Object.keys(actual).length === names.length && names.every((name) => actual[name] === expected[name]);
}
