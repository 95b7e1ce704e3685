// Command-line flags of the write bench, validated once.
import { parseArgs } from 'node:util';
import { UsageError } from '../options.mjs';

export const PATHS = ['library', 'loader', 'push', 'stream'];

export const WRITE_USAGE = `usage: node tools/bench/write-bench.mjs [options]

Builds the API and the ingestor, starts a private Redis, and measures the write throughput
(rows/s) of each write path beside a plain pipelined HSET of the same rows, run right after it
(A B A B ...), then bytes per entity in Redis. Prints a table, writes
reports/bench/write-latest.{json,md}.

  --rows N              rows per measured run (default 200000)
  --rounds K            rounds; each runs every path, then its baseline (default 3)
  --batch N             rows per write batch / push request (default 1000)
  --push-concurrency N  push requests in flight (default 4)
  --api-command-timeout-ms N
                        REDIS_COMMAND_TIMEOUT_MS of the API (default 10000; the API's own
                        default, 100, is a read budget: 1000-row writes can exceed it and 503)
  --loader-format F     csv | jsonl: the file the loader reads (default csv)
  --sample N            hashes sampled with MEMORY USAGE (default 1000)
  --only LIST           paths, comma-separated: ${PATHS.join(',')} (default all)
  --cpu-profile         after the rounds, CPU-profile the library write, its baseline, the
                        API under push and the loader, and print the top functions
  --no-build            use the existing dist/ builds
  --out DIR             report folder (default reports/bench)
  -h, --help`;

const positive = (name, raw, fallback) => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${name}: expected a positive whole number, got "${raw}"`);
  return value;
};

/** @throws UsageError naming the flag at fault */
export function parseWriteOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string' },
      rounds: { type: 'string' },
      batch: { type: 'string' },
      'push-concurrency': { type: 'string' },
      'api-command-timeout-ms': { type: 'string' },
      'loader-format': { type: 'string' },
      sample: { type: 'string' },
      only: { type: 'string' },
      'cpu-profile': { type: 'boolean' },
      'no-build': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const only = values.only
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const path of only ?? []) {
    if (!PATHS.includes(path)) throw new UsageError(`--only: unknown path "${path}" (expected ${PATHS.join(', ')})`);
  }
  const loaderFormat = values['loader-format'] ?? 'csv';
  if (!['csv', 'jsonl'].includes(loaderFormat)) throw new UsageError(`--loader-format: expected csv or jsonl, got "${loaderFormat}"`);
  const rows = positive('rows', values.rows, 200_000);
  const sample = Math.min(rows, positive('sample', values.sample, 1_000));
  return {
    help: false,
    rows,
    rounds: positive('rounds', values.rounds, 3),
    batch: positive('batch', values.batch, 1_000),
    pushConcurrency: positive('push-concurrency', values['push-concurrency'], 4),
    apiCommandTimeoutMs: positive('api-command-timeout-ms', values['api-command-timeout-ms'], 10_000),
    loaderFormat,
    sample,
    paths: only ?? PATHS,
    cpuProfile: values['cpu-profile'] ?? false,
    build: !values['no-build'],
    outDir: values.out ?? 'reports/bench',
  };
}
