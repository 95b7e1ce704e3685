#!/usr/bin/env node
// Soak: the production build of the API under a steady load at a fraction of its measured maximum,
// for a while, on its own Redis with 100k users. Prints, per window of WINDOW_S seconds, the
// requests, errors, p50/p99 and the API's resident memory, then the verdicts: zero errors, p99 of
// the last window within 1.5x (+1 ms) of the first, and resident memory flat (last window within
// 10% of the first). A script, not a test: it reports, it does not fail the build.
// Usage: node tools/soak/soak.mjs [--duration 60] [--load 0.8] [--route single|batch]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runAutocannon } from '../bench/lib/load/autocannon.mjs';
import { runPaced } from '../bench/lib/load/paced.mjs';
import { build, seed } from '../bench/lib/prepare.mjs';
import { installCleanup, stopAll } from '../bench/lib/processes.mjs';
import { startRedis } from '../bench/lib/redis.mjs';
import { loadScenarioFile, requestFactory } from '../bench/lib/scenarios.mjs';
import { startApi } from '../bench/lib/servers.mjs';

const WINDOW_S = 10;
const CONNECTIONS = 50;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    load: { type: 'string', default: '0.8' },
    route: { type: 'string', default: 'single' },
    'no-build': { type: 'boolean', default: false },
  },
});
const durationS = Number(values.duration);
const load = Number(values.load);
if (!(durationS >= WINDOW_S) || !(load > 0 && load <= 1) || !['single', 'batch'].includes(values.route)) {
  console.error('usage: soak.mjs [--duration S >= 10] [--load 0 < f <= 1] [--route single|batch] [--no-build]');
  process.exit(2);
}

const log = (message) => console.log(`[soak] ${message}`);
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

installCleanup();
try {
  if (!values['no-build']) await build(log);
  const redis = await startRedis();
  await seed(redis.url, 100_000, log);
  const api = await startApi(redis.url);
  const file = loadScenarioFile();
  const nextRequest = requestFactory(file, { route: values.route, ...(values.route === 'batch' ? { batchSize: 100 } : {}) });

  log(`measuring the maximum: ${values.route} reads, ${CONNECTIONS} connections, 10 s`);
  const max = await runAutocannon({ url: api.url, nextRequest, connections: CONNECTIONS, durationS: 10 });
  const rate = Math.round(max.rps * load);
  log(`maximum ${Math.round(max.rps)} req/s; soaking at ${rate} req/s (${load * 100}%) for ${durationS} s`);

  // A warm-up at the soak rate first, so that the first window measures a warmed-up process.
  await runPaced({ url: api.url, nextRequest, rate, connections: CONNECTIONS, durationS: 5 });
  const windows = [];
  for (let elapsed = 0; elapsed < durationS; elapsed += WINDOW_S) {
    const samples = [];
    const sampler = setInterval(() => samples.push(rssMb(api.handle.child.pid)), 1_000);
    const result = await runPaced({ url: api.url, nextRequest, rate, connections: CONNECTIONS, durationS: WINDOW_S });
    clearInterval(sampler);
    const window = {
      fromS: elapsed,
      requests: result.requests,
      errors: result.errors + result.non2xx,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      rssMb: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : rssMb(api.handle.child.pid),
      generatorLagP99Ms: result.lagMs.p99,
    };
    windows.push(window);
    log(
      `${String(window.fromS).padStart(3)}-${window.fromS + WINDOW_S}s: ${window.requests} ok, ${window.errors} errors, ` +
        `p50 ${window.p50Ms.toFixed(2)} ms, p99 ${window.p99Ms.toFixed(2)} ms, RSS ${window.rssMb.toFixed(1)} MB` +
        (window.generatorLagP99Ms > 2 ? ` (generator fell behind: lag p99 ${window.generatorLagP99Ms.toFixed(1)} ms)` : ''),
    );
  }

  const first = windows[0];
  const last = windows[windows.length - 1];
  const errors = windows.reduce((sum, window) => sum + window.errors, 0);
  const verdict = (ok, text) => log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
  verdict(errors === 0, `errors: ${errors}`);
  verdict(last.p99Ms <= first.p99Ms * 1.5 + 1, `p99 first ${first.p99Ms.toFixed(2)} ms, last ${last.p99Ms.toFixed(2)} ms`);
  verdict(last.rssMb <= first.rssMb * 1.1, `RSS first ${first.rssMb.toFixed(1)} MB, last ${last.rssMb.toFixed(1)} MB`);
} catch (error) {
  console.error(`[soak] ${error.message}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
