import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from '@feature-store/testing';

const ROOT = join(__dirname, '../..');


const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => socket.destroy() && resolve(true));
    socket.once('error', () => resolve(false));
  });

/**
 * `npm start` as a newcomer runs it (the built apps, via tools/start/start.ts), on free ports with
 * no Redis there: it must start its own, seed, serve the original contract and stop cleanly.
 */
describe('npm start', () => {
  let child: ChildProcess;
  let output = '';
  let apiPort: number;
  let redisPort: number;
  const dataDir = mkdtempSync(join(tmpdir(), 'start-redis-'));

  beforeAll(async () => {
    apiPort = await freePort();
    redisPort = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'tools/start/start.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(apiPort),
        HOST: '127.0.0.1',
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        REDIS_DATA_DIR: dataDir,
        INGEST_SEED_COUNT: '300',
        INGEST_BATCH_SIZE: '20',
        INGEST_INTERVAL_MS: '200',
        INGEST_METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually('the seed', 30_000, () => output.includes('Seeded 300 users'));
    await eventually('the API', 30_000, () => listening(apiPort));
  }, 40_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(`http://127.0.0.1:${apiPort}${path}`);

  it('started a local redis-server because none answered', () => {
    expect(output).toContain(`starting redis-server on port ${redisPort}`);
  });

  it('serves the original contract', async () => {
    const found = await get('/features/user00001');
    expect(found.status).toBe(200);
    const body = await found.json();
    expect(body.user_id).toBe('user00001');
    expect(typeof body.features.age).toBe('number');
    expect(['M', 'F']).toContain(body.features.gender);

    const batch = await fetch(`http://127.0.0.1:${apiPort}/features/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_ids: ['user00001', 'user00002'] }),
    });
    expect((await batch.json()).map((entry: { user_id: string }) => entry.user_id)).toEqual(['user00001', 'user00002']);

    const missing = await get('/features/user99999');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ detail: 'User user99999 not found' });
    expect(await (await get('/health')).json()).toEqual({ status: 'healthy' });
  });

  it('keeps ingesting in batches', async () => {
    await eventually('an update batch', 10_000, () => /Ingested\/Updated \d+ features\. Total unique users: 300/.test(output));
  });

  it('stops everything it started on Ctrl-C and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    await expect(exited).resolves.toBe(0);
    await expect(listening(apiPort)).resolves.toBe(false);
    await expect(listening(redisPort)).resolves.toBe(false);
  }, 20_000);
});
