import { type SpawnedRedis, eventually, freePort, spawnRedisServer } from '@feature-store/testing';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');
const MAIN = join(ROOT, 'dist/apps/ingestor/apps/ingestor/src/main.js');
const REGISTRY = { entities: { user: {} }, views: { clicks: { entity: 'user', features: { count: 'int' } } } };

/**
 * A bulk load is a process of its own that serves no metrics: the running ingestor's metrics
 * count its rows (source "load") from the counts it leaves in Redis, as the console plots them.
 */
describe('ingestor load: its rows in the running ingestor metrics', () => {
  let redis: SpawnedRedis;
  let worker: ChildProcess;
  let metricsPort: number;
  const dir = mkdtempSync(join(tmpdir(), 'load-metrics-'));
  const registryPath = join(dir, 'registry.json');
  const metrics = () => fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((response) => response.text(), () => '');
  const env = () => ({ ...process.env, ...redis.env, REGISTRY_PATH: registryPath, INGEST_STREAM_VIEWS: 'clicks', LOG_LEVEL: 'error' });

  beforeAll(async () => {
    writeFileSync(registryPath, JSON.stringify(REGISTRY));
    redis = await spawnRedisServer();
    metricsPort = await freePort();
    worker = spawn(process.execPath, [MAIN, 'consume'], {
      cwd: ROOT,
      env: { ...env(), INGEST_METRICS_PORT: String(metricsPort), INGEST_METRICS_HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    await eventually('the metrics endpoint', 20_000, async () => (await metrics()).includes('feature_store_ingested_rows_total'), 100);
  }, 30_000);

  afterAll(async () => {
    if (worker.exitCode === null) worker.kill('SIGKILL');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the rows a load wrote, found stale and rejected', async () => {
    const csv = join(dir, 'clicks.csv');
    writeFileSync(csv, 'user_id,event_ts,count\nu1,2,1\nu2,2,2\nu1,1,3\nu3,2,three\n');
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile(process.execPath, [MAIN, 'load', '--view', 'clicks', csv], { cwd: ROOT, env: env() }, () => resolve(child.exitCode));
    });
    expect(code).toBe(3);
    const counted = (outcome: string, rows: number) => `feature_store_ingested_rows_total{source="load",view="clicks",outcome="${outcome}"} ${rows}`;
    await eventually('the load rows in the metrics', 10_000, async () => {
      const text = await metrics();
      return [counted('written', 2), counted('stale', 1), counted('rejected', 1)].every((line) => text.includes(line));
    }, 100);
  }, 30_000);
});
