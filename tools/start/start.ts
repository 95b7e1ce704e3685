// `npm start`: the API on PORT (8000) and the ingestor, against REDIS_URL. When nothing answers
// there, the URL points at this machine and `redis-server` is on the PATH, a local Redis is
// started with its data in REDIS_DATA_DIR (default .data/redis, git-ignored); otherwise it stops
// and says how to get one. START_REDIS=never forbids starting one.
// With REDIS_CLUSTER_NODES set (a Redis Cluster, e.g. from `node --import tsx tools/cluster/cluster.ts start`)
// the apps use that cluster and no Redis is started.
// The API and the ingestor's metrics listen on 127.0.0.1 unless HOST / INGEST_METRICS_HOST say
// otherwise (the containers listen on every interface). The API serves the web console at /ui
// (built by the `start` script with the apps) and reads this ingestor's metrics for it.
// Ctrl-C (or SIGTERM) stops everything it started.
import { START_ENV } from '@feature-store/config';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';

const settings = START_ENV.parse(process.env);
const cluster = Boolean(process.env.REDIS_CLUSTER_NODES);
const redisUrlText = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const local = (variable: string) => ({ [variable]: process.env[variable] || '127.0.0.1' });
const apiHost = process.env.HOST || '127.0.0.1';
/** An address this machine reaches a server at that listens on `host`. */
const reachable = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host);
const ingestorHost = process.env.INGEST_METRICS_HOST || '127.0.0.1';
const ingestorPort = process.env.INGEST_METRICS_PORT || '9464';
// Where this ingestor serves its metrics (none with INGEST_METRICS_PORT=0), unless told otherwise.
const ingestorMetricsUrl = process.env.INGESTOR_METRICS_URL || (ingestorPort === '0' ? 'off' : `http://${reachable(ingestorHost)}:${ingestorPort}/metrics`);
const env = {
  ...process.env,
  ...local('HOST'),
  ...local('INGEST_METRICS_HOST'),
  INGESTOR_METRICS_URL: ingestorMetricsUrl,
  ...(cluster ? {} : { REDIS_URL: redisUrlText }),
};
const redisUrl = cluster ? null : new URL(redisUrlText);
const children = new Map<string, ChildProcess>();
let stopping = false;

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // the outcome is read from connect()/ping() below
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function run(name: string, command: string, args: readonly string[]): ChildProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`));
  }
  child.on('error', (error) => fail(`${name}: ${error.message}`));
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) fail(`${name} exited (${signal ?? `code ${code}`})`);
    else if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
  children.set(name, child);
  return child;
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  // Apps first; the Redis this script started goes last, once they have closed their connections.
  const apps = [...children].filter(([name]) => name !== 'redis');
  for (const [, child] of apps) child.kill('SIGTERM');
  const stopRedis = () => children.get('redis')?.kill('SIGTERM');
  if (apps.length === 0) stopRedis();
  else void Promise.all(apps.map(([, child]) => new Promise((resolve) => child.once('exit', resolve)))).then(stopRedis);
  if (children.size === 0) process.exit(process.exitCode ?? 0);
}

function fail(message: string): void {
  console.error(`[start] ${message}`);
  process.exitCode = 1;
  stop();
}

async function ensureRedis(): Promise<void> {
  if (!redisUrl || (await answers(redisUrlText))) return;
  const isLocal = ['127.0.0.1', 'localhost', '[::1]'].includes(redisUrl.hostname);
  if (!isLocal || settings.START_REDIS === 'never') {
    throw new Error(`No Redis answers at ${redisUrl.host}. Start one there, or set REDIS_URL to one that runs.`);
  }
  const dataDir = settings.REDIS_DATA_DIR;
  mkdirSync(dataDir, { recursive: true });
  const port = redisUrl.port || '6379';
  console.log(`[start] no Redis at ${redisUrl.host}: starting redis-server on port ${port} (data in ${dataDir})`);
  const server = run('redis', 'redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes']);
  await new Promise((resolve, reject) => {
    server.once('error', () =>
      reject(
        new Error(
          'redis-server is not installed. Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), ' +
            'run `docker compose up -d redis`, or set REDIS_URL to a Redis that runs.',
        ),
      ),
    );
    server.once('spawn', resolve);
  });
  const deadline = Date.now() + 10_000;
  while (!(await answers(redisUrlText))) {
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await ensureRedis();
    run('api', process.execPath, ['dist/apps/api/apps/api/src/main.js']);
    console.log(`[start] web console at http://${reachable(apiHost)}:${process.env.PORT || '8000'}/ui`);
    run('ingestor', process.execPath, ['dist/apps/ingestor/apps/ingestor/src/main.js', 'run']);
  } catch (error) {
    fail((error as Error).message);
  }
}

void main();
