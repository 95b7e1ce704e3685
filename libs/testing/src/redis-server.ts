import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Redis for a test suite; `stop` releases it (and stops the server when the suite started it). */
export interface TestRedis {
  /** What `createRedisClient` takes: a URL, or a Redis Cluster's seed nodes. */
  readonly target: string | readonly string[];
  /** The apps' configuration naming this Redis: REDIS_URL, or REDIS_CLUSTER_NODES. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/** Asks the OS for a port that is free now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** One PING over a plain socket: true when the server answers PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface SpawnedRedis extends TestRedis {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
}

export interface SpawnOptions {
  /** A given port (to restart a server where clients expect it); a free one by default. */
  readonly port?: number;
  /** More redis-server arguments, e.g. ['--enable-debug-command', 'yes']. */
  readonly args?: readonly string[];
  /** A data folder kept after `stop()` (to restart on the same data); a temporary one by default. */
  readonly dir?: string;
}

/**
 * Starts a private `redis-server` (binary from REDIS_SERVER_BIN, else the PATH), keeping nothing
 * on disk, and resolves once it answers PING.
 */
export async function spawnRedisServer(options: SpawnOptions = {}): Promise<SpawnedRedis> {
  const port = options.port ?? (await freePort());
  const extraArgs = options.args ?? [];
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'fs-redis-'));
  const child = spawn(
    process.env['REDIS_SERVER_BIN'] ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
    { stdio: 'ignore' },
  );
  let failure: Error | undefined;
  child.once('error', (error) => (failure = error));
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    while (!(await answersPing(port))) {
      if (failure) throw new Error(`cannot start redis-server: ${failure.message}`);
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${START_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, process: child, stop, target: url, env: singleNodeEnv(url) };
}

/**
 * The Redis Cluster of REDIS_CLUSTER_NODES when set (`node --import tsx tools/cluster/cluster.ts run -- ...`
 * sets it), else REDIS_URL when set (the suite must then only touch its own namespace), else a
 * private server.
 */
export async function redisForTests(): Promise<TestRedis> {
  const nodes = process.env['REDIS_CLUSTER_NODES'];
  if (nodes) return { target: nodes.split(','), env: { REDIS_URL: '', REDIS_CLUSTER_NODES: nodes }, stop: async () => undefined };
  const url = process.env['REDIS_URL'];
  if (url) return { target: url, env: singleNodeEnv(url), stop: async () => undefined };
  return spawnRedisServer();
}

/** Configuration for the apps naming one server, whatever the environment of the test run says. */
export function singleNodeEnv(url: string): Readonly<Record<string, string>> {
  return { REDIS_URL: url, REDIS_CLUSTER_NODES: '' };
}
