// Bulk-load bench: the same rows of the default view (registry/features.yaml, user_features) as
// CSV and as Parquet, each loaded by the built ingestor into a private redis-server, with wall
// time, rows/s and the peak RSS of the ingestor process (VmHWM, sampled from /proc).
//   npx nx run ingestor:build
//   node --import tsx apps/ingestor/src/bench/load-bench.ts [rows=1000000] [rowGroupRows=100000]
import { spawnRedisServer } from '@feature-store/testing';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { parquetColumn, writeParquet } from '../testing/parquet-files';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const ROW_GROUP = Number(process.argv[3] ?? 100_000);
const MAIN = 'dist/apps/ingestor/apps/ingestor/src/main.js';
const GENDERS = ['M', 'F'];
const CATEGORIES = ['electronics', 'books', 'clothing', 'home', 'sports', 'beauty'];
const START = Date.UTC(2026, 0, 1);

/** Row i of the data set: the same in both files. */
const row = (i: number) => ({
  id: `user${String(i).padStart(7, '0')}`,
  eventMs: START + i * 1_000,
  age: 18 + ((i * 7) % 60),
  gender: GENDERS[i % 2]!,
  purchases: (i * 13) % 40,
  session: ((i * 37) % 1_000) / 10,
  category: CATEGORIES[i % 6]!,
});

async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('user_id,event_timestamp,age,gender,purchase_count_30d,avg_session_duration_min,preferred_category\n');
  for (let i = 0; i < ROWS; i++) {
    const r = row(i);
    const line = `${r.id},${new Date(r.eventMs).toISOString()},${r.age},${r.gender},${r.purchases},${r.session},${r.category}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}

function writeParquetFile(path: string): void {
  const rows = Array.from({ length: ROWS }, (_, i) => row(i));
  writeParquet(
    path,
    [
      parquetColumn.string('user_id', rows.map((r) => r.id)),
      parquetColumn.timestamp('event_timestamp', rows.map((r) => BigInt(r.eventMs) * 1_000n), 'MICROS'),
      parquetColumn.int64('age', rows.map((r) => BigInt(r.age))),
      parquetColumn.string('gender', rows.map((r) => r.gender)),
      parquetColumn.int64('purchase_count_30d', rows.map((r) => BigInt(r.purchases))),
      parquetColumn.double('avg_session_duration_min', rows.map((r) => r.session)),
      parquetColumn.string('preferred_category', rows.map((r) => r.category)),
    ],
    ROW_GROUP,
  );
}

/** Runs `load` on one file; resolves with its wall time and the peak RSS it reached. */
function load(file: string, env: NodeJS.ProcessEnv): Promise<{ seconds: number; peakRssMb: number; output: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [MAIN, 'load', '--view', 'user_features', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    let peakKb = 0;
    // VmHWM is the process' own high-water mark, so the last sample before exit is its peak.
    const sample = setInterval(() => {
      const match = /VmHWM:\s+(\d+) kB/.exec(readStatus(child.pid!));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    }, 50);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(sample);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`load ${file} exited ${code}:\n${output}`));
      else resolve({ seconds, peakRssMb: peakKb / 1024, output });
    });
  });
}

function readStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return ''; // the process has exited between two samples
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'load-bench-'));
  const csv = join(dir, 'users.csv');
  const parquet = join(dir, 'users.parquet');
  await writeCsv(csv);
  writeParquetFile(parquet);
  const redis = await spawnRedisServer();
  try {
    const results = [];
    for (const [format, file] of [
      ['parquet', parquet],
      ['csv', csv],
    ] as const) {
      // Each file into its own namespace: both load the same rows into an empty view.
      const env = { ...process.env, ...redis.env, KEY_NAMESPACE: `bench-${format}:`, REGISTRY_PATH: 'registry/features.yaml', LOG_LEVEL: 'warn' };
      const { seconds, peakRssMb } = await load(file, env);
      results.push({ format, mb: statSync(file).size / 2 ** 20, seconds, peakRssMb });
    }
    console.log(`${ROWS} rows of user_features, Parquet row groups of ${ROW_GROUP}, node ${process.version}`);
    console.log('format   file MB   wall s   rows/s    peak RSS MB');
    for (const { format, mb, seconds, peakRssMb } of results) {
      console.log(
        `${format.padEnd(8)} ${mb.toFixed(1).padStart(7)} ${seconds.toFixed(1).padStart(8)} ${Math.round(ROWS / seconds).toString().padStart(8)} ${peakRssMb.toFixed(0).padStart(13)}`,
      );
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
