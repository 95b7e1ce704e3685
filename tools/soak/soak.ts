// Soak: the production build of the API under a steady load at a fraction of its measured maximum,
// for a while, on its own Redis with 100k users. Prints, per window of SOAK_WINDOW_S seconds, the
// requests, errors, p50/p99 and the API's resident memory, then the verdicts: zero errors, p99 of
// the last window within 1.5x (+1 ms) of the first, and resident memory flat (last window within
// 10% of the first). A script, not a test: it reports, it does not fail the build.
import { readFileSync } from 'node:fs';
import { build, loadScenarioFile, parseSoakOptions, requestFactory, runAutocannon, runPaced, runWithCleanup, seed, SOAK_USAGE, SOAK_WINDOW_S, type SoakOptions, startApi, startRedis, UsageError } from '@feature-store/bench';

const CONNECTIONS = 50;

const log = (message: string) => console.log(`[soak] ${message}`);
const rssMb = (pid: number | undefined) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const ms = (value: number | null) => value?.toFixed(2);

interface Window {
  readonly fromS: number;
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly rssMb: number;
  readonly generatorLagP99Ms: number | null;
}

/** Options, or the exit code when the process should stop here (help: 0, bad options: 2). */
function options(): SoakOptions | number {
  try {
    const parsed = parseSoakOptions(process.argv.slice(2));
    if (!parsed.help) return parsed;
    console.log(SOAK_USAGE);
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
}

async function soak({ durationS, load, route, build: building }: SoakOptions): Promise<void> {
  if (building) await build(log);
  const redis = await startRedis();
  await seed(redis.url, 100_000, log);
  const api = await startApi(redis.url);
  const file = loadScenarioFile();
  const nextRequest = requestFactory(file, { route, ...(route === 'batch' ? { batchSize: 100 } : {}) });

  log(`measuring the maximum: ${route} reads, ${CONNECTIONS} connections, 10 s`);
  const max = await runAutocannon({ url: api.url, nextRequest, connections: CONNECTIONS, durationS: 10 });
  const rate = Math.round(max.rps * load);
  log(`maximum ${Math.round(max.rps)} req/s; soaking at ${rate} req/s (${load * 100}%) for ${durationS} s`);

  // A warm-up at the soak rate first, so that the first window measures a warmed-up process.
  await runPaced({ url: api.url, nextRequest, rate, connections: CONNECTIONS, durationS: 5 });
  const windows: Window[] = [];
  for (let elapsed = 0; elapsed < durationS; elapsed += SOAK_WINDOW_S) {
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssMb(api.handle.child.pid)), 1_000);
    const result = await runPaced({ url: api.url, nextRequest, rate, connections: CONNECTIONS, durationS: SOAK_WINDOW_S });
    clearInterval(sampler);
    const window: Window = {
      fromS: elapsed,
      requests: result.requests,
      errors: result.errors + result.non2xx,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      rssMb: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : rssMb(api.handle.child.pid),
      generatorLagP99Ms: result.lagMs?.p99 ?? null,
    };
    windows.push(window);
    const lag = window.generatorLagP99Ms;
    log(
      `${String(window.fromS).padStart(3)}-${window.fromS + SOAK_WINDOW_S}s: ${window.requests} ok, ${window.errors} errors, ` +
        `p50 ${ms(window.p50Ms)} ms, p99 ${ms(window.p99Ms)} ms, RSS ${window.rssMb.toFixed(1)} MB` +
        (lag !== null && lag > 2 ? ` (generator fell behind: lag p99 ${lag.toFixed(1)} ms)` : ''),
    );
  }

  const first = windows[0];
  const last = windows[windows.length - 1];
  const errors = windows.reduce((sum, window) => sum + window.errors, 0);
  const verdict = (ok: boolean, text: string) => log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
  verdict(errors === 0, `errors: ${errors}`);
  verdict((last.p99Ms ?? Infinity) <= (first.p99Ms ?? NaN) * 1.5 + 1, `p99 first ${ms(first.p99Ms)} ms, last ${ms(last.p99Ms)} ms`);
  verdict(last.rssMb <= first.rssMb * 1.1, `RSS first ${first.rssMb.toFixed(1)} MB, last ${last.rssMb.toFixed(1)} MB`);
}

async function main(): Promise<void> {
  const parsed = options();
  if (typeof parsed === 'number') process.exit(parsed);
  await runWithCleanup('soak', () => soak(parsed));
}

void main();
