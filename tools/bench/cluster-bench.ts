// Redis Cluster bench (see tools/bench/README.md): the library's batch-100 reads and writes on a
// private single Redis and on a private local cluster of 3 masters x 1 replica, in the same run,
// in alternating rounds; writes also with durability (WAIT 1 replica). Prints operations/s and
// p50/p99 per case, the median ratio of each to the single node, and writes JSON under
// reports/bench/. Load and servers share this machine's cores: read ratios, not absolutes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeatureStore, Registry, createRedisClient } from '@feature-store/core';
import { gitCommit, loadAverage } from './lib/meta';
import { CLUSTER_USAGE, type ClusterOptions, UsageError, parseClusterOptions } from './lib/options';
import { TS_NODE_ARGS, installCleanup, startProcess, stopAll } from './lib/processes';
import { startRedis } from './lib/redis';
import { markdownTable, writeReportFiles } from './lib/report';
import { LatencyRecorder, median } from './lib/stats';

const ROOT = join(__dirname, '../..');
const CLUSTER_TOOL = join(ROOT, 'tools/cluster/cluster.ts');
const BATCH = 100;
const log = (message: string) => console.error(`[cluster-bench] ${message}`);

interface Measured {
  readonly opsPerSecond: number;
  readonly p50: number | null;
  readonly p99: number | null;
}

/** Runs `call` with `inFlight` calls pending for `seconds`. */
async function measure(call: () => Promise<unknown>, { seconds, inFlight }: ClusterOptions): Promise<Measured> {
  const latencies = new LatencyRecorder();
  const deadline = performance.now() + seconds * 1_000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      await call();
      latencies.record(performance.now() - started);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const { p50, p99 } = latencies.summary();
  return { opsPerSecond: done / ((performance.now() - started) / 1_000), p50, p99 };
}

/** A private cluster from tools/cluster (its `start` resolves once every node sees the whole topology). */
async function startCluster(dir: string): Promise<{ seeds: string[] }> {
  const handle = await startProcess('cluster', process.execPath, [...TS_NODE_ARGS, CLUSTER_TOOL, 'start', '--json', '--dir', dir], { cwd: ROOT, quiet: true });
  const { code } = await handle.exited;
  if (code !== 0) throw new Error(`the cluster did not start (exit ${code}):\n${handle.output()}`);
  return JSON.parse(handle.output().trim().split('\n').at(-1) ?? '') as { seeds: string[] };
}

const stopCluster = (dir: string) => execFileSync(process.execPath, [...TS_NODE_ARGS, CLUSTER_TOOL, 'stop', '--dir', dir], { cwd: ROOT });

async function main(): Promise<void> {
  const options = parseClusterOptions(process.argv.slice(2));
  if (options.help) {
    console.log(CLUSTER_USAGE);
    return;
  }
  const { seconds, rounds, inFlight, users } = options;
  const ids = Array.from({ length: users }, (_, n) => `user${String(n).padStart(5, '0')}`);
  const pick = () => Array.from({ length: BATCH }, () => ids[Math.floor(Math.random() * ids.length)]);
  let clock = Date.now();
  const rows = () => [...new Set(pick())].map((id) => ({ id, eventTime: ++clock, features: { age: clock % 90, purchase_count_30d: 3 } }));

  let clusterDir: string | null = null;
  installCleanup();
  // On Ctrl-C the cleanup above exits at once: the cluster's detached nodes are stopped synchronously.
  process.on('exit', () => clusterDir && stopCluster(clusterDir));
  try {
    const registry = Registry.fromFile(join(ROOT, 'registry/features.yaml'));
    const single = await startRedis();
    log('starting a local cluster of 3 masters x 1 replica');
    clusterDir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
    const cluster = await startCluster(clusterDir);
    const clients = [createRedisClient(single.url), createRedisClient(cluster.seeds)];
    const [singleStore, clusterStore] = clients.map((client) => new FeatureStore(client, { registry }));
    const durableStore = new FeatureStore(clients[1], { registry, durability: { replicas: 1, timeoutMs: 100 } });
    for (const store of [singleStore, clusterStore]) {
      for (let start = 0; start < ids.length; start += 1_000) {
        await store.write('user_features', ids.slice(start, start + 1_000).map((id) => ({ id, eventTime: 1, features: { age: 30 } })));
      }
    }
    log(`seeded ${users} users on both; ${rounds} rounds of ${seconds} s per case, ${inFlight} calls in flight`);

    const cases = [
      { name: 'read batch-100', topology: 'single', call: () => singleStore.read({ entity: 'user', ids: pick() }) },
      { name: 'read batch-100', topology: 'cluster', call: () => clusterStore.read({ entity: 'user', ids: pick() }) },
      { name: 'write batch-100', topology: 'single', call: () => singleStore.write('user_features', rows()) },
      { name: 'write batch-100', topology: 'cluster', call: () => clusterStore.write('user_features', rows()) },
      { name: 'write batch-100', topology: 'cluster + WAIT 1', call: () => durableStore.write('user_features', rows()) },
    ];
    for (const { call } of cases) await measure(call, options); // warm-up
    const results: Measured[][] = cases.map(() => []);
    for (let round = 1; round <= rounds; round++) {
      for (const [index, { name, topology, call }] of cases.entries()) {
        const result = await measure(call, options);
        results[index].push(result);
        log(`round ${round}: ${name} on ${topology}: ${Math.round(result.opsPerSecond)} ops/s`);
      }
    }

    const summary = cases.map(({ name, topology }, index) => {
      const baseline = cases.findIndex((other) => other.name === name && other.topology === 'single');
      const ratios = results[index].map((result, round) => result.opsPerSecond / results[baseline][round].opsPerSecond);
      return {
        case: name,
        topology,
        opsPerSecond: median(results[index].map((result) => result.opsPerSecond)),
        p50Ms: median(results[index].map((result) => result.p50)),
        p99Ms: median(results[index].map((result) => result.p99)),
        ratioToSingle: median(ratios),
      };
    });
    const fixed = (value: number | null) => value?.toFixed(2) ?? '-';
    const table = [
      ['case', 'topology', 'ops/s (median)', 'p50 ms', 'p99 ms', 'x single node'],
      ...summary.map((row) => [row.case, row.topology, String(Math.round(row.opsPerSecond ?? NaN)), fixed(row.p50Ms), fixed(row.p99Ms), fixed(row.ratioToSingle)]),
    ];
    console.log(markdownTable(table, 2));
    const meta = { commit: gitCommit(ROOT), cpus: cpus().length, loadAverage: loadAverage(), seconds, rounds, inFlight, users };
    console.log(`\n${JSON.stringify(meta)}`);
    const [file] = writeReportFiles(join(ROOT, 'reports/bench'), { name: 'cluster', startedAt: new Date().toISOString(), json: { meta, summary, rounds: results } });
    log(`report: ${file}`);
    for (const client of clients) client.disconnect();
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? (error as Error).message}`);
    process.exitCode = 1;
  } finally {
    if (clusterDir) stopCluster(clusterDir);
    clusterDir = null;
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? `${error.message} (see --help)` : error);
  process.exitCode = 1;
});
