// A local Redis Cluster of M masters x R replicas (default 3 x 1) on free ports, for tests, CI and
// benchmarks. Each node is a detached `redis-server` keeping nothing on disk but its nodes.conf and
// redis.log (in DIR/<port>); DIR/cluster.json lists the nodes' ports, pids and roles.
//   node --import tsx tools/cluster/cluster.ts start [--masters 3] [--replicas 1] [--dir DIR] [--json]
//     starts it and leaves it running; the last stdout line is REDIS_CLUSTER_NODES=<masters>
//     (with --json: the content of cluster.json). DIR defaults to a new temporary folder.
//   node --import tsx tools/cluster/cluster.ts stop --dir DIR
//     stops the nodes listed in DIR/cluster.json and removes DIR.
//   node --import tsx tools/cluster/cluster.ts run [--masters 3] [--replicas 1] -- <command> [args...]
//     starts one, runs the command with REDIS_CLUSTER_NODES set (its own progress goes to stderr),
//     stops it and exits with the command's code. Ctrl-C or SIGTERM goes to the command.
// A start that fails, or is interrupted, stops the nodes it started and exits 1 (130 on Ctrl-C).
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Redis } from 'ioredis';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const address = (port: number) => `${HOST}:${port}`;

interface ClusterNode {
  readonly port: number;
  readonly pid: number | undefined;
  readonly role?: 'master' | 'replica';
}

interface ClusterState {
  readonly nodes: readonly ClusterNode[];
  readonly seeds: readonly string[];
}

/** For each node that has ended, a function saying why (called before `stop` removes DIR). */
type Deaths = (() => string)[];

function checkCounts(masters: number, replicas: number): void {
  if (!Number.isInteger(masters) || masters < 3) throw new RangeError('--masters must be an integer of at least 3');
  if (!Number.isInteger(replicas) || replicas < 0) throw new RangeError('--replicas must be an integer of at least 0');
}

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });

/** `count` ports P with P and P + 10000 (its cluster bus) free, all below Linux's ephemeral range. */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; attempt < 1_000 && ports.length < count; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 12_768);
    const clashes = ports.some((other) => [0, 10_000].includes(Math.abs(other - port)));
    if (!clashes && (await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  if (ports.length < count) throw new Error(`found no ${count} free port pairs (P, P + 10000)`);
  return ports;
}

/**
 * Sends `signal` (0: none, to test) to a node's pid when that still is the redis-server on the node's
 * port (Linux: a zombie, or a pid reused by another process, is not); whether it was.
 */
function signalNode({ pid, port }: ClusterNode, signal: NodeJS.Signals | 0): boolean {
  if (pid === undefined) return false;
  try {
    if (existsSync('/proc/self') && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(String(port))) return false;
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // no such process (ESRCH, or its /proc entry gone), or another user's (EPERM): not our node
  }
}

/** One command on one node over a fresh connection; rejects when the node does not answer. */
async function ask(port: number, command: string, ...args: string[]): Promise<string> {
  const client = new Redis({ host: HOST, port, lazyConnect: true, connectTimeout: 1_000, commandTimeout: 1_000, retryStrategy: () => null });
  client.on('error', () => undefined); // the outcome is read from connect()/call() below
  try {
    await client.connect();
    return String(await client.call(command, ...args));
  } finally {
    client.disconnect();
  }
}

const field = (info: string, name: string) => new RegExp(`^${name}:(.*?)\\r?$`, 'm').exec(info)?.[1];

/** What `check` reports for each node that is not there yet (false: there; a node that does not answer is not). */
const pending = async (ports: readonly number[], check: (port: number) => Promise<string | false>) =>
  (await Promise.all(ports.map((port) => check(port).catch(() => `${address(port)} (no answer)`)))).filter((left): left is string => Boolean(left));

/** Polls `missing` (what is not there yet) until it is empty; fails on a dead node or at the deadline. */
async function waitFor(what: string, deadline: number, deaths: Deaths, missing: () => Promise<string[]>): Promise<void> {
  for (;;) {
    if (deaths.length > 0) throw new Error(deaths[0]());
    const left = await missing();
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${READY_TIMEOUT_MS / 1000} s waiting for ${what}; not yet: ${left.join(', ')}`);
    }
    await sleep(50);
  }
}

const lastLine = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').at(-1) : '');
const writeState = (dir: string, state: ClusterState) => writeFileSync(join(dir, 'cluster.json'), `${JSON.stringify(state, null, 2)}\n`);

/** Starts one detached redis-server per port; `deaths` gets, for each that ends, a function saying why. */
function spawnNodes(dir: string, ports: readonly number[], deaths: Deaths): ClusterNode[] {
  return ports.map((port) => {
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir);
    const log = openSync(join(nodeDir, 'redis.log'), 'a');
    const args = ['--port', String(port), '--bind', HOST, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
      '--cluster-node-timeout', '1000', '--cluster-replica-validity-factor', '0', '--repl-diskless-sync', 'yes',
      '--repl-diskless-sync-delay', '0', '--save', '', '--appendonly', 'no', '--dir', nodeDir, '--daemonize', 'no'];
    const child = spawn('redis-server', args, { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref(); // the nodes outlive this process: `stop` ends them
    // Called when reported, before `stop` removes DIR: the last line of the node's log says why it ended.
    child.once('error', (error) => deaths.push(() => `cannot start redis-server: ${error.message}`));
    child.once('exit', (code, signal) =>
      deaths.push(() => `redis-server on port ${port} exited (${signal ?? `code ${code}`}): ${lastLine(join(nodeDir, 'redis.log'))}`),
    );
    return { port, pid: child.pid };
  });
}

/**
 * How one node sees the cluster, from CLUSTER NODES (`<id> <ip:port@bus> <flags> ...`): its count of
 * masters and of replicas, or why that view is not settled (a node still in handshake, or failing).
 */
function topology(nodes: string): string {
  const flags = nodes.trim().split('\n').map((line) => line.split(' ')[2].split(','));
  const unsettled = flags.flat().find((flag) => ['handshake', 'noaddr', 'fail', 'fail?'].includes(flag));
  if (unsettled) return `a node flagged ${unsettled}`;
  const count = (role: string) => flags.filter((nodeFlags) => nodeFlags.includes(role)).length;
  return `${count('master')} masters, ${count('slave')} replicas`;
}

/**
 * What keeps one node from being ready (false: nothing); records its role. A replica's role reaches
 * the other nodes by gossip after its own INFO says so, hence the check of each node's view as well.
 */
async function notReady(port: number, roles: Map<number, 'master' | 'replica'>, expected: string): Promise<string | false> {
  const state = field(await ask(port, 'CLUSTER', 'INFO'), 'cluster_state');
  const replication = await ask(port, 'INFO', 'replication');
  roles.set(port, field(replication, 'role') === 'slave' ? 'replica' : 'master');
  if (state !== 'ok') return `${address(port)} (cluster_state:${state})`;
  const link = field(replication, 'master_link_status');
  if (roles.get(port) === 'replica' && link !== 'up') return `${address(port)} (master_link_status:${link})`;
  const seen = topology(await ask(port, 'CLUSTER', 'NODES'));
  return seen !== expected && `${address(port)} (sees ${seen})`;
}

/**
 * Starts the cluster and resolves once every node has cluster_state:ok and sees every master and
 * replica as such, and every replica has its master link up.
 */
async function startCluster(masters: number, replicas: number, dir: string): Promise<ClusterState> {
  checkCounts(masters, replicas);
  mkdirSync(dir, { recursive: true });
  if (existsSync(join(dir, 'cluster.json'))) throw new Error(`${dir} already holds a cluster: stop it first`);
  writeState(dir, { nodes: [], seeds: [] }); // from here on, `stop` cleans up whatever is started
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const deaths: Deaths = [];
  try {
    const ports = await freePorts(masters * (1 + replicas));
    const nodes = spawnNodes(dir, ports, deaths);
    writeState(dir, { nodes, seeds: [] }); // at once, so that `stop` finds every pid
    await waitFor('every node to answer PING', deadline, deaths, () =>
      pending(ports, async (port) => (await ask(port, 'PING')) !== 'PONG' && address(port)),
    );
    const create = ['--cluster', 'create', ...ports.map(address), '--cluster-replicas', String(replicas), '--cluster-yes'];
    await promisify(execFile)('redis-cli', create, { timeout: Math.max(deadline - Date.now(), 1) }).catch(
      (error: Error & { stdout?: string; stderr?: string }) => {
        throw new Error(`redis-cli --cluster create failed: ${`${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || error.message}`);
      },
    );
    const roles = new Map<number, 'master' | 'replica'>();
    const expected = `${masters} masters, ${masters * replicas} replicas`;
    await waitFor(`cluster_state:ok and a view of ${expected} on every node, master_link_status:up on every replica`, deadline,
      deaths, () => pending(ports, (port) => notReady(port, roles, expected)),
    );
    const state = {
      nodes: nodes.map((node) => ({ ...node, role: roles.get(node.port) })),
      seeds: ports.filter((port) => roles.get(port) === 'master').map(address),
    };
    writeState(dir, state);
    return state;
  } catch (error) {
    await stopCluster(dir);
    throw error;
  }
}

/**
 * Stops the nodes listed in DIR/cluster.json (SIGTERM, then SIGKILL after 5 s) and removes DIR;
 * resolves with the number of nodes that were running. A DIR without cluster.json is left alone.
 */
async function stopCluster(dir: string): Promise<number> {
  const file = join(dir, 'cluster.json');
  if (!existsSync(file)) return 0;
  const { nodes } = JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
  const live = () => nodes.filter((node) => signalNode(node, 0));
  const signal = (name: NodeJS.Signals) => nodes.forEach((node) => signalNode(node, name));
  const gone = async (ms: number) => {
    for (const deadline = Date.now() + ms; live().length > 0 && Date.now() < deadline; ) await sleep(25);
    return live().length === 0;
  };
  const count = live().length;
  signal('SIGTERM');
  if (!(await gone(STOP_TIMEOUT_MS))) {
    signal('SIGKILL');
    if (!(await gone(1_000))) throw new Error(`still running after SIGKILL: pids ${live().map(({ pid }) => pid).join(', ')}`);
  }
  rmSync(dir, { recursive: true, force: true });
  return count;
}

// ---- command line ----

const USAGE = `usage:
  node --import tsx tools/cluster/cluster.ts start [--masters 3] [--replicas 1] [--dir DIR] [--json]
  node --import tsx tools/cluster/cluster.ts stop --dir DIR
  node --import tsx tools/cluster/cluster.ts run [--masters 3] [--replicas 1] -- <command> [args...]`;

const SIZE = { masters: { type: 'string', default: '3' }, replicas: { type: 'string', default: '1' } } as const;
const START = { ...SIZE, dir: { type: 'string' }, json: { type: 'boolean', default: false } } as const;

type Request =
  | { readonly name: 'stop'; readonly dir: string }
  | { readonly name: 'start'; readonly masters: number; readonly replicas: number; readonly dir?: string; readonly json: boolean }
  | { readonly name: 'run'; readonly masters: number; readonly replicas: number; readonly command: readonly string[] };

/** The command and its options; throws on anything else. */
function parse([name, ...args]: readonly string[]): Request {
  const split = args.indexOf('--');
  const own = split === -1 ? args : args.slice(0, split);
  const command = split === -1 ? [] : args.slice(split + 1);
  const counts = (values: { masters: string; replicas: string }) => {
    const [masters, replicas] = [Number(values.masters), Number(values.replicas)];
    checkCounts(masters, replicas);
    return { masters, replicas };
  };
  switch (name) {
    case 'stop': {
      const { values } = parseArgs({ args: own, options: { dir: { type: 'string' } }, strict: true });
      if (!values.dir) throw new Error('stop needs --dir DIR');
      return { name, dir: values.dir };
    }
    case 'start': {
      const { values } = parseArgs({ args: own, options: START, strict: true });
      return { name, ...counts(values), dir: values.dir, json: values.json };
    }
    case 'run': {
      const { values } = parseArgs({ args: own, options: SIZE, strict: true });
      if (command.length === 0) throw new Error('run needs a command after --');
      return { name, command, ...counts(values) };
    }
    default:
      throw new Error(name ? `unknown command "${name}"` : 'no command given');
  }
}

const signalCode = (signal: NodeJS.Signals) => 128 + constants.signals[signal];

async function main(argv: readonly string[]): Promise<number> {
  let request: Request;
  try {
    request = parse(argv);
  } catch (error) {
    console.error(`[cluster] ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (request.name === 'stop') {
    const stopped = await stopCluster(request.dir);
    console.log(`[cluster] stopped ${stopped} running node(s) of ${request.dir}`);
    return 0;
  }
  const { masters, replicas } = request;
  const dir = (request.name === 'start' ? request.dir : undefined) ?? mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const log = (line: string) => (request.name === 'run' ? console.error : console.log)(`[cluster] ${line}`);
  // Ctrl-C or SIGTERM while starting: stop what is started. While `run`'s command runs: forward it.
  let onSignal: (signal: NodeJS.Signals) => void = (signal) => void stopCluster(dir).finally(() => process.exit(signalCode(signal)));
  process.on('SIGINT', (signal) => onSignal(signal)).on('SIGTERM', (signal) => onSignal(signal));
  log(`starting ${masters} masters x ${replicas} replicas in ${dir}`);
  const started = Date.now();
  const cluster = await startCluster(masters, replicas, dir);
  log(`ready in ${Date.now() - started} ms: masters ${cluster.seeds.join(', ')}`);
  if (request.name === 'start') {
    log(`stop it with: node --import tsx tools/cluster/cluster.ts stop --dir ${dir}`);
    console.log(request.json ? JSON.stringify(cluster) : `REDIS_CLUSTER_NODES=${cluster.seeds.join(',')}`);
    return 0;
  }
  const [command, ...args] = request.command;
  const env = { ...process.env, REDIS_CLUSTER_NODES: cluster.seeds.join(',') };
  const child = spawn(command, args, { stdio: 'inherit', env });
  onSignal = (signal) => child.kill(signal);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      console.error(`[cluster] cannot run ${command}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signalCode(signal ?? 'SIGTERM')));
  });
  await stopCluster(dir);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(`[cluster] ${error.message}`); // startCluster has stopped what it started
    process.exitCode = 1;
  },
);
