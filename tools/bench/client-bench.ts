// Client bench (see tools/bench/README.md): the round trip of @feature-store/client against raw
// fetch to the same API route, in the same run. Calls go in pairs, one of each in random order,
// one pair at a time: both sides see the same moment of this shared machine. The ratio of their
// median latencies is the client's overhead (its request id, deadline timer and abort signal,
// retry loop, error mapping) over the bare HTTP round trip; the median, because on a shared
// machine a mean follows whichever side the scheduler happened to stall. Means are reported too.
import { join } from 'node:path';
import { FeatureStoreClient } from '@feature-store/client';
import { gitCommit, loadAverage } from './lib/meta';
import { CLIENT_USAGE, type ClientBenchOptions, type ClientCase, UsageError, parseClientBenchOptions } from './lib/options';
import { buildProjects } from './lib/prepare';
import { installCleanup, stopAll } from './lib/processes';
import { startRedis } from './lib/redis';
import { fmtMs, fmtRatio, markdownTable, markdownVerdict, textTable, verdictLine, writeReportFiles } from './lib/report';
import { startApi } from './lib/servers';
import { LatencyRecorder, type LatencySummary, median } from './lib/stats';
import { seedIds } from './seed';

const ROOT = join(__dirname, '../..');
/** The client's overhead over raw fetch that the issue allows. */
const MAX_OVERHEAD = 0.1;
const WARMUP_PAIRS = 500;
const log = (message: string) => console.error(`[client-bench] ${message}`);

type Call = () => Promise<unknown>;

interface Side {
  readonly summary: LatencySummary;
  readonly calls: number;
}

interface Round {
  readonly client: Side;
  readonly fetch: Side;
  /** Median latency of the client's calls over raw fetch's, minus one. */
  readonly overhead: number;
  /** The same of the mean latencies. */
  readonly meanOverhead: number;
}

/** Pairs of calls for `seconds`, each pair in random order, one pair at a time. */
async function pairs(viaClient: Call, viaFetch: Call, seconds: number): Promise<Round> {
  const recorders = { client: new LatencyRecorder(), fetch: new LatencyRecorder() };
  const timed = async (call: Call, recorder: LatencyRecorder) => {
    const started = performance.now();
    await call();
    recorder.record(performance.now() - started);
  };
  const deadline = performance.now() + seconds * 1_000;
  let calls = 0;
  while (performance.now() < deadline) {
    if (Math.random() < 0.5) {
      await timed(viaClient, recorders.client);
      await timed(viaFetch, recorders.fetch);
    } else {
      await timed(viaFetch, recorders.fetch);
      await timed(viaClient, recorders.client);
    }
    calls++;
  }
  const client = recorders.client.summary();
  const fetched = recorders.fetch.summary();
  return {
    client: { summary: client, calls },
    fetch: { summary: fetched, calls },
    overhead: (client.p50 ?? NaN) / (fetched.p50 ?? NaN) - 1,
    meanOverhead: (client.mean ?? NaN) / (fetched.mean ?? NaN) - 1,
  };
}

/** The two sides of a case: the same request through the client and through fetch. */
function sides(name: ClientCase, baseUrl: string, ids: readonly string[], batch: number): { client: Call; raw: Call; route: string } {
  const client = new FeatureStoreClient({ baseUrl });
  const randomId = () => ids[Math.floor(Math.random() * ids.length)]!;
  const fail = (response: Response) => {
    throw new Error(`${response.status} from ${response.url}`);
  };
  if (name === 'get') {
    return {
      route: 'GET /v1/features/user/{id}',
      client: () => client.get('user', randomId()),
      raw: async () => {
        const response = await fetch(`${baseUrl}/v1/features/user/${randomId()}`);
        return response.ok ? ((await response.json()) as { features: unknown }).features : fail(response);
      },
    };
  }
  const pick = () => [...new Set(Array.from({ length: batch }, randomId))];
  return {
    route: `POST /v1/features/user/batch (${batch} ids)`,
    client: () => client.getMany('user', pick()),
    raw: async () => {
      const response = await fetch(`${baseUrl}/v1/features/user/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids: pick() }),
      });
      return response.ok ? ((await response.json()) as { results: ({ features: unknown } | null)[] }).results.map((result) => result?.features ?? null) : fail(response);
    },
  };
}

function summarize(name: ClientCase, route: string, rounds: readonly Round[]) {
  const side = (key: 'client' | 'fetch') => ({
    p50Ms: median(rounds.map((round) => round[key].summary.p50)),
    p99Ms: median(rounds.map((round) => round[key].summary.p99)),
    meanMs: median(rounds.map((round) => round[key].summary.mean)),
    callsPerRound: median(rounds.map((round) => round[key].calls)),
  });
  const overhead = median(rounds.map((round) => round.overhead));
  const meanOverhead = median(rounds.map((round) => round.meanOverhead));
  return { case: name, route, client: side('client'), fetch: side('fetch'), overhead, meanOverhead, pass: overhead !== null && overhead <= MAX_OVERHEAD };
}

async function main(options: ClientBenchOptions): Promise<void> {
  const startedAt = new Date().toISOString();
  installCleanup();
  try {
    if (options.build) await buildProjects(['api'], log);
    const redis = await startRedis();
    log(`seeding ${options.users} users`);
    await seedIds(redis.url, options.users);
    const api = await startApi(redis.url);
    const ids = Array.from({ length: options.users }, (_, n) => `user${String(n).padStart(5, '0')}`);

    const results = [];
    for (const name of options.cases) {
      const { client, raw, route } = sides(name, api.url, ids, options.batch);
      for (let pair = 0; pair < WARMUP_PAIRS; pair++) await Promise.all([client(), raw()]);
      const rounds: Round[] = [];
      for (let round = 1; round <= options.rounds; round++) {
        rounds.push(await pairs(client, raw, options.seconds));
        const { overhead, meanOverhead } = rounds.at(-1)!;
        log(`${name} round ${round}: client overhead ${(overhead * 100).toFixed(1)}% (p50), ${(meanOverhead * 100).toFixed(1)}% (mean)`);
      }
      results.push({ ...summarize(name, route, rounds), rounds });
    }

    const ratio = (overhead: number | null) => fmtRatio(overhead === null ? null : 1 + overhead, 3);
    const header = ['case', 'route', 'side', 'pairs/round', 'p50 ms', 'p99 ms', 'mean ms', 'client/fetch p50', 'client/fetch mean'];
    const rows = results.flatMap((result) => [
      [result.case, result.route, 'client', String(result.client.callsPerRound), fmtMs(result.client.p50Ms), fmtMs(result.client.p99Ms), fmtMs(result.client.meanMs), ratio(result.overhead), ratio(result.meanOverhead)],
      ['', '', 'fetch', String(result.fetch.callsPerRound), fmtMs(result.fetch.p50Ms), fmtMs(result.fetch.p99Ms), fmtMs(result.fetch.meanMs), '', ''],
    ]);
    const verdicts = results.map((result) =>
      verdictLine(result.pass, `${result.case}: client overhead ${result.overhead === null ? '-' : `${(result.overhead * 100).toFixed(1)}%`} of the median round trip (target <= ${MAX_OVERHEAD * 100}%)`),
    );
    console.log(`\n${textTable([header, ...rows], 3)}\n\n${verdicts.join('\n')}`);
    const meta = { commit: gitCommit(ROOT), loadAverage: loadAverage(), startedAt, ...options };
    const markdown = `# Client bench\n\n${markdownTable([header, ...rows], 3)}\n\n${verdicts.map(markdownVerdict).join('\n')}\n\n\`${JSON.stringify(meta)}\`\n`;
    const files = writeReportFiles(join(ROOT, options.outDir), { name: 'client', startedAt, json: { meta, results }, markdown, latest: 'client-latest' });
    log(`report: ${files.join(', ')}`);
  } finally {
    await stopAll();
  }
}

try {
  const options = parseClientBenchOptions(process.argv.slice(2));
  if (options.help) console.log(CLIENT_USAGE);
  else {
    main(options).catch((error: unknown) => {
      log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    });
  }
} catch (error) {
  console.error(error instanceof UsageError ? `${error.message} (see --help)` : error);
  process.exitCode = 1;
}
