#!/usr/bin/env node
// Redis Cluster bench (see tools/bench/README.md): the library's batch-100 reads and writes on a
// private single Redis and on a private local cluster of 3 masters x 1 replica, in the same run,
// in alternating rounds; writes also with durability (WAIT 1 replica). Prints operations/s and
// p50/p99 per case, the median ratio of each to the single node, and writes JSON under
// reports/bench/. Load and servers share this machine's cores: read ratios, not absolutes.
//   node tools/bench/cluster-bench.mjs [--seconds 5] [--rounds 3] [--in-flight 16] [--users 100000]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCluster, stopCluster } from '../cluster/cluster.mjs';
import { gitCommit, loadAverage } from './lib/meta.mjs';
import { buildProjects } from './lib/prepare.mjs';
import { installCleanup, stopAll } from './lib/processes.mjs';
import { startRedis } from './lib/redis.mjs';
import { LatencyRecorder, median } from './lib/stats.mjs';
import { loadCore } from './lib/write/paths.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORE_STUB = join(ROOT, 'dist/apps/ingestor/node_modules/@feature-store/core');
const BATCH = 100;
const log = (message) => console.error(`[cluster-bench] ${message}`);

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    'in-flight': { type: 'string', default: '16' },
    users: { type: 'string', default: '100000' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const inFlight = Number(values['in-flight']);
const users = Number(values.users);
for (const [name, value] of Object.entries({ seconds, rounds, 'in-flight': inFlight, users })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of at least 1`);
}

const ids = Array.from({ length: users }, (_, n) => `user${String(n).padStart(5, '0')}`);
const pick = () => Array.from({ length: BATCH }, () => ids[Math.floor(Math.random() * ids.length)]);
let clock = Date.now();
const rows = () => [...new Set(pick())].map((id) => ({ id, eventTime: ++clock, features: { age: clock % 90, purchase_count_30d: 3 } }));

/** Runs `call` with `inFlight` calls pending for `seconds`: { opsPerSecond, p50, p99 }. */
async function measure(call) {
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

let cluster = null;
installCleanup();
// On Ctrl-C the cleanup above exits at once: the cluster's detached nodes are stopped synchronously.
process.on('exit', () => cluster && execFileSync(process.execPath, [join(ROOT, 'tools/cluster/cluster.mjs'), 'stop', '--dir', cluster.dir]));
try {
  await buildProjects(['ingestor'], log);
  const core = loadCore(ROOT, CORE_STUB);
  const registry = core.Registry.fromFile(join(ROOT, 'registry/features.yaml'));
  const single = await startRedis();
  log('starting a local cluster of 3 masters x 1 replica');
  cluster = await startCluster({ masters: 3, replicas: 1 });
  const clients = [core.createRedisClient(single.url), core.createRedisClient(cluster.seeds)];
  const [singleStore, clusterStore] = clients.map((client) => new core.FeatureStore(client, { registry }));
  const durableStore = new core.FeatureStore(clients[1], { registry, durability: { replicas: 1, timeoutMs: 100 } });
  for (const store of [singleStore, clusterStore]) {
    for (let start = 0; start < ids.length; start += 1_000) {
      await store.write('user_features', ids.slice(start, start + 1_000).map((id) => ({ id, eventTime: 1, features: { age: 30 } })));
    }
  }
  log(`seeded ${users} users on both; ${rounds} rounds of ${seconds} s per case, ${inFlight} calls in flight`);

  const cases = [
    { name: 'read batch-100', topology: 'single', call: () => singleStore.getManyJson('user', pick()) },
    { name: 'read batch-100', topology: 'cluster', call: () => clusterStore.getManyJson('user', pick()) },
    { name: 'write batch-100', topology: 'single', call: () => singleStore.write('user_features', rows()) },
    { name: 'write batch-100', topology: 'cluster', call: () => clusterStore.write('user_features', rows()) },
    { name: 'write batch-100', topology: 'cluster + WAIT 1', call: () => durableStore.write('user_features', rows()) },
  ];
  for (const { call } of cases) await measure(call); // warm-up
  const results = cases.map(() => []);
  for (let round = 1; round <= rounds; round++) {
    for (const [index, { name, topology, call }] of cases.entries()) {
      results[index].push(await measure(call));
      log(`round ${round}: ${name} on ${topology}: ${Math.round(results[index].at(-1).opsPerSecond)} ops/s`);
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
  console.log('| case | topology | ops/s (median) | p50 ms | p99 ms | x single node |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const row of summary) {
    console.log(
      `| ${row.case} | ${row.topology} | ${Math.round(row.opsPerSecond)} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} | ${row.ratioToSingle.toFixed(2)} |`,
    );
  }
  const meta = { commit: gitCommit(ROOT), cpus: cpus().length, loadAverage: loadAverage(), seconds, rounds, inFlight, users };
  console.log(`\n${JSON.stringify(meta)}`);
  mkdirSync(join(ROOT, 'reports/bench'), { recursive: true });
  const file = join(ROOT, 'reports/bench', `cluster-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ meta, summary, rounds: results }, null, 2));
  log(`report: ${file}`);
  for (const client of clients) client.disconnect();
} catch (error) {
  log(`failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
} finally {
  if (cluster) await stopCluster(cluster.dir);
  cluster = null;
  await stopAll();
}
