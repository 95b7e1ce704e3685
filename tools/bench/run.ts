// Bench of the API against the reference server (see tools/bench/README.md). Every child process
// it starts is stopped on success, failure, SIGINT and SIGTERM.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { NEAR_CACHE_SERVER, formatProfiles, planCases, profileServers, runRounds } from './lib/cases';
import { NEAR_CACHE_REGISTRY } from './lib/invalidation-probe';
import { gitCommit, loadAverage } from './lib/meta';
import { READ_USAGE, UsageError, parseReadOptions } from './lib/options';
import { build, seed } from './lib/prepare';
import { installCleanup, signalExitCode, stopAll } from './lib/processes';
import { consoleTable, judgeTargets, nearCacheLines, readMarkdown, summarise, verdictLines } from './lib/read-summary';
import { startRedis } from './lib/redis';
import { writeReportFiles } from './lib/report';
import { type ScenarioFile, loadScenarioFile, requestFactory } from './lib/scenarios';
import { API_MAIN, type Server, compareResponses, startApi, startFloor, startReference } from './lib/servers';

const ROOT = join(__dirname, '../..');

const log = (message: string) => console.error(`[bench] ${message}`);

/**
 * Both servers must answer the same requests alike, or the comparison means nothing. The
 * near-cache API runs on a registry of users only: it is checked on the routes it is loaded on.
 */
async function sameAnswers(file: ScenarioFile, api: Server, reference: Server, { feastRoutes = true } = {}): Promise<string[]> {
  const single = requestFactory(file, { route: 'single' });
  const batch = requestFactory(file, { route: 'batch', batchSize: 10 });
  const feastSpec = Object.values(file.scenarios).find(({ request }) => request?.route === 'feast')?.request;
  const feast = feastSpec && feastRoutes ? [requestFactory(file, feastSpec)()] : [];
  const unknown = { method: 'GET', path: `/features/${file.idSpace.prefix}-unknown` };
  const unknownRows = {
    method: 'POST',
    path: '/get-online-features',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ entities: { user_id: ['user-unknown', 'user00001'], item_id: ['item00001', 'item-unknown'] }, features: ['user_features:age', 'item_features:price'] }),
  };
  const samples = [...Array.from({ length: 20 }, single), batch(), unknown, ...feast, ...(feastRoutes ? [unknownRows] : [])];
  const differences = await compareResponses(api, reference, samples);
  return differences.map((difference) => `responses differ: ${difference}`);
}

async function main(): Promise<void> {
  const file = loadScenarioFile();
  const options = parseReadOptions(process.argv.slice(2), process.env, file);
  if (options.help) {
    console.log(READ_USAGE);
    return;
  }
  process.chdir(ROOT);
  installCleanup();
  const cases = planCases(file, options);
  if (cases.length === 0) throw new Error('no case to run (check --only and --tools)');
  const startedAt = new Date().toISOString();
  const loadAtStart = loadAverage();

  if (options.build) await build(log);
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: build the API (nx run api:build) or drop --no-build`);

  const redis = await startRedis();
  log(`redis-server on ${redis.url}; seeding ${file.idSpace.count} users and as many items`);
  const seedStart = Date.now();
  const seededBy = await seed(redis.url, file.idSpace.count, log);
  const seedSeconds = ((Date.now() - seedStart) / 1000).toFixed(1);
  const batchMax = Math.max(...cases.map(({ scenario }) => scenario.request.batchSize ?? 1));
  const profileDir = options.cpuProfile ? resolve(ROOT, options.outDir, 'profiles') : undefined;
  if (profileDir && options.apiWorkers > 1) throw new UsageError('--cpu-profile profiles one process: use it with --api-workers 1');
  const apiOptions = { batchMaxIds: Math.max(1000, batchMax), workers: options.apiWorkers };
  const api = await startApi(redis.url, { ...apiOptions, profileDir });
  // The same build on the same registry with near_cache on, for the cases that compare the two.
  const nearCache = cases.some(({ scenario }) => scenario.nearCache)
    ? await startApi(redis.url, { ...apiOptions, profileDir, label: NEAR_CACHE_SERVER, env: { REGISTRY_PATH: NEAR_CACHE_REGISTRY } })
    : undefined;
  const reference = await startReference(redis.url, { profileDir });
  const floor = cases.some(({ tool }) => tool === 'paced') ? await startFloor() : undefined;
  log(`seeded by ${seededBy} in ${seedSeconds} s; api (${options.apiWorkers} worker(s)) on ${api.url}, reference on ${reference.url}`);
  if (nearCache) log(`${NEAR_CACHE_SERVER} (${NEAR_CACHE_REGISTRY}) on ${nearCache.url}`);
  if (floor) log(`floor (bare node:http, fixed-rate cases only) on ${floor.url}`);
  const servers = { api, reference };
  const differences = [...(await sameAnswers(file, api, reference)), ...(nearCache ? await sameAnswers(file, nearCache, reference, { feastRoutes: false }) : [])];
  differences.forEach((difference) => log(difference));

  const loads = cases.reduce((sum, { tool, scenario }) => sum + (floor && tool === 'paced' ? 3 : 2) + (nearCache && scenario.nearCache ? 1 : 0), 0);
  const minutes = Math.ceil((loads * (options.warmupS + options.rounds * options.durationS)) / 60);
  log(`${cases.length} cases, ${loads} loads of a server: ${options.warmupS} s warm-up + ${options.rounds} x ${options.durationS} s each, about ${minutes} min`);
  const { runs, warnings } = await runRounds(file, cases, { ...servers, nearCache }, redis, options, log, floor);
  const cpuProfile = options.cpuProfile ? await profileServers(file, cases, servers, nearCache, options, log) : null;

  const summary = summarise(runs, file.scenarios);
  const verdicts = judgeTargets(summary, file.scenarios);
  const meta = {
    startedAt,
    profile: options.profile,
    durationS: options.durationS,
    warmupS: options.warmupS,
    rounds: options.rounds,
    wrkThreads: options.wrkThreads,
    apiWorkers: options.apiWorkers,
    seededBy,
    cpus: cpus().length,
    node: process.version,
    commit: gitCommit(ROOT),
    loadAverage: { start: loadAtStart, end: loadAverage() },
  };
  const allWarnings = [...differences, ...warnings];
  const report = { meta, summary, verdicts, warnings: allWarnings, cpuProfile, runs };
  const written = writeReportFiles(resolve(ROOT, options.outDir), {
    name: 'bench',
    startedAt,
    json: report,
    markdown: readMarkdown(report),
    latest: 'latest',
  });

  console.log(`\napi: API_WORKERS=${options.apiWorkers}; reference: one process\n${consoleTable(summary)}\n\n${verdictLines(verdicts)}`);
  const nearCacheText = nearCacheLines(summary);
  if (nearCacheText.length) console.log(`\nNear-cache (${NEAR_CACHE_SERVER}: ${NEAR_CACHE_REGISTRY}):\n${nearCacheText.join('\n')}`);
  if (allWarnings.length) console.log(`\nWarnings:\n${allWarnings.map((w) => `- ${w}`).join('\n')}`);
  for (const text of formatProfiles(cpuProfile)) console.log(`\n${text}`);
  console.log(`\nReport: ${written.join(', ')}`);
}

main()
  .catch((error: Error) => {
    // After SIGINT/SIGTERM, failures of the runs being stopped are expected: not reported.
    if (signalExitCode() !== undefined) return;
    console.error(error instanceof UsageError ? `${error.message} (see --help)` : `[bench] ${error.stack ?? error.message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    process.exit(signalExitCode() ?? process.exitCode ?? 0);
  });
