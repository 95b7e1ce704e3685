// Figures for two faults a hostile or unlucky client brings, on the production build of the API
// and its own Redis (issue 12, points 1 and 2):
//   1. slow bodies: many connections send headers and part of a body, then stall, while a normal
//      client keeps reading: the API's RSS before, at its peak and after, when the stalled
//      connections are gone, and the normal client's answers meanwhile;
//   2. a stalled Redis (SIGSTOP): reads at 50 in flight for the whole stall; RSS before, at its
//      peak and after, the answers meanwhile, and the time from SIGCONT to the first answered read.
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { build, HOSTILE_USAGE, parseHostileOptions, type ProcessHandle, runWithCleanup, startApi, startRedis, waitUntil } from '@feature-store/bench';

const log = (message: string) => console.log(`[hostile] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory of a process, in MB, from /proc. */
function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Samples a process's RSS every `everyMs` until stopped; resolves with the highest seen. */
function peakRss(pid: number, everyMs = 200): { stop(): number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, rssMb(pid));
    },
  };
}

/** Requests `url` with `inFlight` loops until `until` says stop; counts answers by status (0: no answer). */
async function load(url: string, inFlight: number, until: () => boolean): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (!until()) {
        const status = await fetch(url, { signal: AbortSignal.timeout(15_000) }).then((response) => response.status, () => 0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200 && status !== 404) await sleep(5);
      }
    }),
  );
  return statuses;
}

/** A connection that sends a push's headers and `bytes` of a 1 MB body, then nothing. */
function stalledUpload(port: number, bytes: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST /features/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`);
      socket.write(`{"user_ids":["${'x'.repeat(Math.max(bytes - 15, 0))}`);
      resolve(socket);
    });
    // Read what the server sends (its 408), so that its closing the connection is seen.
    socket.resume();
    socket.on('error', () => resolve(null));
  });
}

async function slowBodies(port: number, pid: number, connections: number, bodyBytes: number): Promise<void> {
  const url = `http://127.0.0.1:${port}/features/user00001`;
  const before = rssMb(pid);
  const peak = peakRss(pid);
  const sockets = (await Promise.all(Array.from({ length: connections }, () => stalledUpload(port, bodyBytes)))).filter(
    (socket): socket is Socket => socket !== null,
  );
  const open = () => sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open').length;
  const closedAll = new Promise<void>((resolve) => {
    let left = sockets.length;
    for (const socket of sockets) socket.once('close', () => (left -= 1) === 0 && resolve());
    if (left === 0) resolve();
  });
  const started = Date.now();
  let done = false;
  const reads = load(url, 5, () => done);
  await Promise.race([closedAll, sleep(60_000)]);
  const tookS = ((Date.now() - started) / 1_000).toFixed(1);
  done = true;
  const answers = await reads;
  await sleep(1_000);
  log(
    `slow bodies: ${connections} connections sending ${bodyBytes} bytes of a body then stalling; RSS before ${before} MB, ` +
      `peak ${peak.stop()} MB, after ${rssMb(pid)} MB; the stalled connections were closed within ${tookS} s ` +
      `(${open()} still open); a normal client's reads meanwhile: ${JSON.stringify(answers)}`,
  );
  for (const socket of sockets) socket.destroy();
}

async function stalledRedis(port: number, pid: number, redisPid: number, stallS: number): Promise<void> {
  const url = `http://127.0.0.1:${port}/features/user00001`;
  let phase: 'before' | 'stall' | 'done' = 'before';
  const loop = load(url, 50, () => phase === 'done');
  await sleep(2_000);
  const before = rssMb(pid);
  const peak = peakRss(pid);
  process.kill(redisPid, 'SIGSTOP');
  phase = 'stall';
  await sleep(stallS * 1_000);
  const during = rssMb(pid);
  process.kill(redisPid, 'SIGCONT');
  const resumed = Date.now();
  await waitUntil('a read to be answered', async () => (await fetch(url).then((response) => response.status, () => 0)) === 200, { intervalMs: 10, timeoutMs: 30_000 });
  const recoverMs = Date.now() - resumed;
  phase = 'done';
  const answers = await loop;
  await sleep(1_000);
  log(
    `stalled Redis: SIGSTOP for ${stallS} s under 50 reads in flight; RSS before ${before} MB, at the end of the stall ${during} MB, ` +
      `peak ${peak.stop()} MB, after ${rssMb(pid)} MB; first read answered ${recoverMs} ms after SIGCONT; answers ${JSON.stringify(answers)}`,
  );
}

function pidOf({ label, child }: ProcessHandle): number {
  if (child.pid === undefined) throw new Error(`${label} did not start`);
  return child.pid;
}

async function main(): Promise<void> {
  const options = parseHostileOptions(process.argv.slice(2));
  if (options.help) {
    console.log(HOSTILE_USAGE);
    return;
  }
  await runWithCleanup('hostile', async () => {
    if (options.build) await build(log);
    const redis = await startRedis();
    const api = await startApi(redis.url, { env: { LOG_LEVEL: 'error' } });
    const port = Number(new URL(api.url).port);
    const client = new Redis(redis.url);
    await client.hset('user:user00001:features', 'age', '30', '_t', String(Date.now()));
    await client.sadd('all_users', 'user00001');
    client.disconnect();
    await fetch(`${api.url}/health/ready`);
    const apiPid = pidOf(api.handle);
    log(`API on ${api.url} (pid ${apiPid}), Redis on ${redis.url}`);
    await slowBodies(port, apiPid, options.connections, options.bodyBytes);
    await stalledRedis(port, apiPid, pidOf(redis.handle), options.stallS);
  });
}

void main();
