// Write-path bench (see tools/bench/README.md): rows/s of the library write, the bulk loader, the
// push API and the stream consumer, each beside a plain pipelined HSET of the same rows run right
// after it, and bytes per entity against plain hashes. Every child process it starts is stopped
// on success, failure, SIGINT and SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FeatureStore, Registry, createRedisClient } from '@feature-store/core';
import { Redis } from 'ioredis';
import { gitCommit, loadAverage } from './lib/meta';
import { UsageError, WRITE_USAGE, type WriteOptions, parseWriteOptions } from './lib/options';
import { buildProjects } from './lib/prepare';
import { installCleanup, signalExitCode, stopAll } from './lib/processes';
import { startRedis } from './lib/redis';
import { writeReportFiles } from './lib/report';
import { startApi } from './lib/servers';
import { snapshotBuilds } from './lib/write/builds';
import { bytesPerEntity, usedMemory } from './lib/write/memory';
import { PUSH_KEY, type TimedWrite, type WriteContext, libraryWrite, loaderRun, plainHset, pushRun, streamRun, verifyPlain, verifyStored } from './lib/write/paths';
import { formatWriteProfiles, profilePaths } from './lib/write/profile';
import { type PushBody, type Row, VIEW, checkView, generateRows, pushBodies, writeRowFile } from './lib/write/rows';
import {
  PATH_NOTES,
  type PathPlan,
  type WriteRun,
  consoleReport,
  judgeWrites,
  summariseMemory,
  summariseWrites,
  writeMarkdown,
} from './lib/write/write-summary';

const ROOT = join(__dirname, '../..');
/** Rows of the warm-up run of the in-process paths (library, push, baselines), before round 1. */
const WARMUP_ROWS = 20_000;
/** Where the private copy of the builds goes: inside the workspace (whatever --out says), for node_modules. */
const BUILDS_DIR = 'reports/bench';
/** Entries the stream consumer reads and writes per round trip (StreamConsumer's default). */
const STREAM_BATCH = 500;

const log = (message: string) => console.error(`[write-bench] ${message}`);
const warnings: string[] = [];
const warn = (message: string) => {
  warnings.push(message);
  log(`warning: ${message}`);
};
const fmt = (value: number) => Math.round(value).toLocaleString('en-US');

interface Inputs {
  readonly rows: readonly Row[];
  readonly rowFile: string;
  /** Every row as push bodies, serialised beforehand; empty when push is not measured. */
  readonly bodies: readonly PushBody[];
}

type Plan = PathPlan & { readonly run: (rows: readonly Row[]) => Promise<TimedWrite> };

/** The paths to run, each with how it writes and its baseline's batching. */
function planPaths(options: WriteOptions, ctx: WriteContext, inputs: Inputs): Plan[] {
  const { batch, pushConcurrency, loaderFormat } = options;
  const api = ctx.api;
  const all: Record<WriteOptions['paths'][number], Omit<Plan, 'name'>> = {
    library: { what: 'FeatureStore.write, in-process', batch, inFlight: 1, run: (rows) => libraryWrite(ctx, rows, { batchSize: batch }) },
    loader: {
      what: `ingestor load (${loaderFormat})`,
      batch,
      inFlight: 1,
      run: (rows) => loaderRun(ctx, inputs.rowFile, rows.length, { batchSize: batch }),
    },
    push: {
      what: 'POST /v1/push',
      batch,
      inFlight: pushConcurrency,
      run: (rows) => {
        if (!api) throw new Error('push: the API is not running');
        return pushRun(ctx, api, rows === inputs.rows ? inputs.bodies : pushBodies(rows, batch), { inFlight: pushConcurrency });
      },
    },
    stream: { what: 'ingestor consume', batch: STREAM_BATCH, inFlight: 1, run: (rows) => streamRun(ctx, rows, { batchSize: batch }) },
  };
  return options.paths.map((name) => ({ name, ...all[name] }));
}

/** One measured run of a path or of its baseline, into an emptied Redis. */
async function measure(
  ctx: WriteContext,
  plan: Plan,
  kind: WriteRun['kind'],
  rows: readonly Row[],
  { round, memorySample = 0 }: { readonly round: number; readonly memorySample?: number },
): Promise<WriteRun> {
  await ctx.redis.flushdb();
  const before = await usedMemory(ctx.redis);
  const result = kind === 'path' ? await plan.run(rows) : await plainHset(ctx, rows, { batchSize: plan.batch, inFlight: plan.inFlight });
  const after = await usedMemory(ctx.redis);
  if (kind === 'path') await verifyStored(ctx, rows);
  else await verifyPlain(ctx, rows);
  const memory = memorySample ? await bytesPerEntity(ctx, rows, memorySample, { withIndex: kind === 'path' }) : undefined;
  if (result.failedRequests) warn(`${plan.name} round ${round}: ${result.failedRequests} request(s) failed, e.g. ${JSON.stringify(result.failures?.[0])}`);
  return { path: plan.name, kind, round, ...result, usedMemory: { before, after, delta: after - before }, memory };
}

async function redisVersion(redis: Redis): Promise<string> {
  return /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? 'unknown';
}

async function main(): Promise<void> {
  const options = parseWriteOptions(process.argv.slice(2));
  if (options.help) {
    console.log(WRITE_USAGE);
    return;
  }
  process.chdir(ROOT);
  installCleanup();
  const startedAt = new Date().toISOString();
  const loadAtStart = loadAverage();

  if (options.build) await buildProjects(['api', 'ingestor'], log);
  const builds = snapshotBuilds(ROOT, join(ROOT, BUILDS_DIR, `.write-bench-builds-${process.pid}`));
  const registry = Registry.fromFile('registry/features.yaml');
  const eventTimeField = checkView(registry);

  log(`generating ${fmt(options.rows)} rows of ${VIEW}`);
  const rows = generateRows(options.rows);
  const workDir = mkdtempSync(join(tmpdir(), 'fs-write-bench-'));
  process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const inputs: Inputs = {
    rows,
    rowFile: join(workDir, `rows.${options.loaderFormat}`),
    bodies: options.paths.includes('push') ? pushBodies(rows, options.batch) : [],
  };
  if (options.paths.includes('loader')) await writeRowFile(rows, inputs.rowFile, options.loaderFormat);

  const server = await startRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const storeClient = createRedisClient(server.url);
  for (const client of [redis, storeClient]) client.on('error', (error: Error) => log(`redis client: ${error.message}`));
  const store = new FeatureStore(storeClient, { registry });
  const profileDir = resolve(ROOT, options.outDir, 'profiles');
  try {
    const api = options.paths.includes('push')
      ? await startApi(server.url, {
          env: {
            API_KEYS: `bench:${PUSH_KEY}:read+write`,
            PUSH_MAX_ROWS: String(options.batch),
            BODY_LIMIT_BYTES: String(Math.max(1_048_576, 2 * Math.max(...inputs.bodies.map(({ body }) => body.length)))),
            REDIS_COMMAND_TIMEOUT_MS: String(options.apiCommandTimeoutMs),
          },
          profileDir: options.cpuProfile ? profileDir : undefined,
          main: builds.apiMain,
        })
      : null;
    const ctx: WriteContext = { root: ROOT, builds, server, redis, keys: store.keys, store, eventTimeField, warn, api };
    log(`redis-server on ${server.url}${api ? `, API on ${api.url}` : ''}`);
    const plans = planPaths(options, ctx, inputs);
    const memoryPath = options.paths.includes('loader') ? 'loader' : options.paths[0];

    log(`warm-up: ${fmt(Math.min(rows.length, WARMUP_ROWS))} rows through the in-process paths and the baseline`);
    const warm = rows.slice(0, WARMUP_ROWS);
    for (const plan of plans.filter(({ name }) => name === 'library' || name === 'push')) await measure(ctx, plan, 'path', warm, { round: 0 });
    await measure(ctx, plans[0], 'baseline', warm, { round: 0 });

    const runs: WriteRun[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const plan of plans) {
        for (const kind of ['path', 'baseline'] as const) {
          const memorySample = plan.name === memoryPath ? options.sample : 0;
          const run = await measure(ctx, plan, kind, rows, { round, memorySample });
          runs.push(run);
          const cpu = `${run.cpuUsPerRow.writer?.toFixed(1) ?? '?'} µs writer + ${run.cpuUsPerRow.redis?.toFixed(1) ?? '?'} µs Redis CPU/row`;
          const label = kind === 'path' ? plan.name : `${plan.name} baseline (plain HSET)`;
          log(`round ${round} ${label}: ${fmt(run.rowsPerS)} rows/s in ${run.seconds.toFixed(2)} s, ${cpu}`);
        }
      }
    }
    await redis.flushdb();
    const cpuProfiles = options.cpuProfile ? await profilePaths(ctx, plans, rows, inputs, { dir: profileDir, log }) : null;

    const summary = summariseWrites(runs, plans);
    const memory = summariseMemory(runs, memoryPath);
    const verdicts = judgeWrites(summary, memory);
    const meta = {
      startedAt,
      rows: options.rows,
      rounds: options.rounds,
      batch: options.batch,
      pushConcurrency: options.pushConcurrency,
      apiCommandTimeoutMs: options.apiCommandTimeoutMs,
      loaderFormat: options.loaderFormat,
      streamBatch: STREAM_BATCH,
      cpus: cpus().length,
      node: process.version,
      redisVersion: await redisVersion(redis),
      commit: gitCommit(ROOT),
      loadAverage: { start: loadAtStart, end: loadAverage() },
    };
    const notes = Object.fromEntries([...options.paths, 'baseline' as const].map((name) => [name, PATH_NOTES[name]]));
    const report = { meta, summary, memory, verdicts, warnings, notes, cpuProfiles, runs };
    const written = writeReportFiles(resolve(ROOT, options.outDir), {
      name: 'write',
      startedAt,
      json: report,
      markdown: writeMarkdown(report),
      latest: 'write-latest',
    });

    console.log(`\n${consoleReport(report)}`);
    console.log(`\n${Object.entries(notes).map(([name, note]) => `${name}: ${note}`).join('\n')}`);
    for (const text of formatWriteProfiles(cpuProfiles ?? {})) console.log(`\n${text}`);
    if (warnings.length) console.log(`\nWarnings:\n${warnings.map((w) => `- ${w}`).join('\n')}`);
    console.log(`\nReport: ${written.join(', ')}`);
  } finally {
    redis.disconnect();
    storeClient.disconnect();
  }
}

main()
  .catch((error: Error) => {
    // After SIGINT/SIGTERM, failures of the runs being stopped are expected: not reported.
    if (signalExitCode() !== undefined) return;
    console.error(error instanceof UsageError ? `${error.message} (see --help)` : `[write-bench] ${error.stack ?? error.message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    process.exit(signalExitCode() ?? process.exitCode ?? 0);
  });
