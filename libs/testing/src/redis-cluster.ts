import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestRedis } from './redis-server';

const ROOT = join(__dirname, '../../..');
/** The cluster tool, run by Node through the workspace's TypeScript loader (tsx). */
const TOOL = ['--import', 'tsx', join(ROOT, 'tools/cluster/cluster.ts')];
const run = promisify(execFile);

export interface ClusterNode {
  readonly port: number;
  readonly pid: number;
  readonly role: 'master' | 'replica';
}

export interface SpawnedCluster extends TestRedis {
  readonly target: readonly string[];
  /** Every node as started (roles change on failover). */
  readonly nodes: readonly ClusterNode[];
}

/**
 * Starts a private local Redis Cluster of 3 masters x 1 replica (tools/cluster/cluster.ts, whose
 * waits are bounded) for a suite that stops or kills its nodes; `stop` stops every node left.
 */
export async function spawnRedisCluster(): Promise<SpawnedCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'fs-cluster-'));
  const { stdout } = await run(process.execPath, [...TOOL, 'start', '--dir', dir, '--json'], { cwd: ROOT });
  const { nodes, seeds } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { nodes: ClusterNode[]; seeds: string[] };
  return {
    target: seeds,
    env: { REDIS_URL: '', REDIS_CLUSTER_NODES: seeds.join(',') },
    nodes,
    stop: async () => {
      await run(process.execPath, [...TOOL, 'stop', '--dir', dir], { cwd: ROOT });
    },
  };
}
