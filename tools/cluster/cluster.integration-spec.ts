import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@feature-store/testing';
import { Cluster } from 'ioredis';

const ROOT = join(__dirname, '../..');
const cli = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/cluster/cluster.ts', ...args], { cwd: ROOT, timeout: 45_000 });
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

interface ClusterState {
  nodes: { port: number; pid: number; role: 'master' | 'replica' }[];
  seeds: string[];
}

/**
 * Whether a process has exited: no such pid, or a zombie. The nodes outlive `start`, so once it has
 * exited their parent is init, which reaps them some time after they end.
 */
function exited(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = `/proc/${pid}/stat`;
  return existsSync(stat) && /^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
}

/** tools/cluster/cluster.ts as CI and benchmarks use it: real redis-server nodes on free ports, and none left behind. */
describe('cluster.ts start and stop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-tool-'));
  let state: ClusterState = { nodes: [], seeds: [] };
  let client: Cluster | undefined;

  afterAll(async () => {
    client?.disconnect();
    await cli('stop', '--dir', dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts 3 masters with a replica each, serving keys of every slot range', async () => {
    const { stdout } = await cli('start', '--json', '--dir', dir);
    state = JSON.parse(lastLine(stdout)) as ClusterState;
    const masters = state.nodes.filter(({ role }) => role === 'master');
    expect(state.nodes.map(({ role }) => role).sort()).toEqual(['master', 'master', 'master', 'replica', 'replica', 'replica']);
    expect(state.seeds).toEqual(masters.map(({ port }) => `127.0.0.1:${port}`));

    client = new Cluster([{ host: '127.0.0.1', port: masters[0].port }]);
    const keys = Array.from({ length: 30 }, (_, index) => `cluster-tool:${index}`);
    await Promise.all(keys.map((key) => client?.set(key, `value of ${key}`)));
    expect(await Promise.all(keys.map((key) => client?.get(key)))).toEqual(keys.map((key) => `value of ${key}`));
    // The keys spread over the three masters' slot ranges: each master holds some.
    const sizes = await Promise.all(client.nodes('master').map((node) => node.dbsize()));
    expect(sizes).toHaveLength(3);
    expect(sizes.every((size) => size > 0)).toBe(true);

    // CLUSTER NODES: <id> <ip:port@bus> <flags> <master id or -> ...
    const lines = String(await client.cluster('NODES')).trim().split('\n').map((line) => line.split(' '));
    // `start` returns once every node sees this topology, flags and all (a failure shows them).
    const masterLines = lines.filter(([, , flags]) => flags.includes('master')).map(([id, address, flags]) => ({ id, address, flags }));
    const ids = masterLines.map(({ id }) => id);
    const replicaOf = lines.filter(([, , flags]) => flags.includes('slave')).map(([, , , master]) => master);
    expect(masterLines).toHaveLength(3);
    expect(replicaOf.sort()).toEqual([...ids].sort());
    expect(lines.map(([, address]) => Number(/:(\d+)@/.exec(address)?.[1])).sort()).toEqual(state.nodes.map(({ port }) => port).sort());
  });

  it('stops every node and removes the folder', async () => {
    await client?.quit();
    client = undefined;
    const { stdout } = await cli('stop', '--dir', dir);
    expect(lastLine(stdout)).toContain('stopped 6 running node(s)');
    expect(existsSync(dir)).toBe(false);
    await eventually('every node to exit', 5_000, () => state.nodes.every(({ pid }) => exited(pid)));
    expect(lastLine((await cli('stop', '--dir', dir)).stdout)).toContain('stopped 0 running node(s)');
  });
});

describe('cluster.ts run', () => {
  let pids: number[] = [];
  afterAll(() => pids.filter((pid) => !exited(pid)).forEach((pid) => process.kill(pid, 'SIGKILL')));

  it('runs the command against the cluster, stops it and exits with the command exit code', async () => {
    // The command writes through the cluster, reports every node's pid and exits with 3.
    const command = [
      "const { Cluster, Redis } = require('ioredis');",
      "const seeds = process.env.REDIS_CLUSTER_NODES.split(',').map((seed) => ({ host: '127.0.0.1', port: Number(seed.split(':')[1]) }));",
      'const client = new Cluster(seeds);',
      'const pid = async (port) => {',
      "  const node = new Redis({ host: '127.0.0.1', port });",
      "  const info = await node.info('server');",
      '  node.disconnect();',
      '  return Number(/process_id:(\\d+)/.exec(info)[1]);',
      '};',
      '(async () => {',
      "  await client.set('cluster-tool:run', 'ok');",
      "  const ports = (await client.cluster('NODES')).trim().split('\\n').map((line) => Number(/:(\\d+)@/.exec(line)[1]));",
      '  const pids = await Promise.all(ports.map(pid));',
      "  console.log(JSON.stringify({ nodes: process.env.REDIS_CLUSTER_NODES, value: await client.get('cluster-tool:run'), pids }));",
      '  client.disconnect();',
      '  process.exit(3);',
      '})();',
    ].join('\n');
    const failure = await cli('run', '--', process.execPath, '-e', command).then(
      () => undefined,
      (error: { code?: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(3);
    const reported = JSON.parse(lastLine(failure?.stdout ?? '')) as { nodes: string; value: string; pids: number[] };
    pids = reported.pids;
    expect(reported.nodes).toMatch(/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2}$/);
    expect(reported.value).toBe('ok');
    expect(new Set(pids).size).toBe(6);
    await eventually('every node to exit', 5_000, () => pids.every(exited));
  });
});
