// Fault figures for the notes: the production build of the API on its own Redis, then
//   1. Redis killed (SIGKILL): latency of requests while it is down (they must all end, 503);
//   2. Redis restarted on the same port: time until the API serves again (no API restart);
//   3. Redis blocked (DEBUG SLEEP 2): latency of a request meanwhile (503 after the command timeout).
import { Redis } from 'ioredis';
import { build, FAULTS_USAGE, LatencyRecorder, parseFaultsOptions, portOpen, runWithCleanup, startApi, startProcess, startRedis, waitUntil } from '@feature-store/bench';

const log = (message: string) => console.log(`[faults] ${message}`);
const ms = (value: number | null, digits: number) => value?.toFixed(digits);

async function timed(url: string): Promise<{ status: number; ms: number }> {
  const began = performance.now();
  const response = await fetch(url).catch(() => null);
  return { status: response?.status ?? 0, ms: performance.now() - began };
}

async function faults(building: boolean): Promise<void> {
  if (building) await build(log);
  const redis = await startRedis();
  const api = await startApi(redis.url, { env: { REDIS_COMMAND_TIMEOUT_MS: '100', LOG_LEVEL: 'error' } });
  const client = new Redis(redis.url);
  await client.hset('user:user00001:features', 'age', '30', '_t', String(Date.now()));
  client.disconnect();
  const url = `${api.url}/features/user00001`;
  log(`API up: ${(await timed(url)).status}`);
  // Open the client's 50 keep-alive connections now, so that the outage figures are the server's.
  for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: 50 }, () => timed(url)));

  redis.handle.child.kill('SIGKILL');
  await waitUntil('redis to stop', async () => !(await portOpen(redis.port)));
  const down = new LatencyRecorder();
  const statuses: Record<string, number> = {};
  const started = performance.now();
  for (let round = 0; round < 10; round++) {
    const results = await Promise.all(Array.from({ length: 50 }, () => timed(url)));
    for (const { status, ms: took } of results) {
      down.record(took);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }
  const summary = down.summary();
  log(
    `Redis down: 500 requests in ${(performance.now() - started).toFixed(0)} ms, statuses ${JSON.stringify(statuses)}, ` +
      `latency p50 ${ms(summary.p50, 1)} ms, p99 ${ms(summary.p99, 1)} ms, max ${ms(summary.max, 1)} ms`,
  );
  log(`readiness while down: ${(await timed(`${api.url}/health/ready`)).status}, liveness: ${(await timed(`${api.url}/health/live`)).status}`);

  const port = redis.port;
  const restartedAt = performance.now();
  const restartArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'];
  await startProcess('redis', 'redis-server', restartArgs, { quiet: true });
  await waitUntil('redis to listen', () => portOpen(port));
  const listeningMs = performance.now() - restartedAt;
  await waitUntil('the API to serve again', async () => (await timed(url)).status === 404, { intervalMs: 5 });
  log(`Redis restarted: listening after ${listeningMs.toFixed(0)} ms, API serving again ${(performance.now() - restartedAt - listeningMs).toFixed(0)} ms later`);

  const blocker = new Redis(`redis://127.0.0.1:${port}`);
  const sleeping = blocker.call('DEBUG', 'SLEEP', '2');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const blocked = await Promise.all(Array.from({ length: 20 }, () => timed(url)));
  const worst = Math.max(...blocked.map((result) => result.ms));
  log(`Redis blocked 2 s: ${blocked.length} requests answered ${[...new Set(blocked.map((result) => result.status))].join('/')} within ${worst.toFixed(0)} ms`);
  await sleeping;
  blocker.disconnect();
}

async function main(): Promise<void> {
  const options = parseFaultsOptions(process.argv.slice(2));
  if (options.help) {
    console.log(FAULTS_USAGE);
    return;
  }
  await runWithCleanup('faults', () => faults(options.build));
}

void main();
