// The cases of a bench (scenario x load tool), and how one is loaded against a server.
import { type AreaShare, type TopFunction, formatAreas, formatTop, selfTimeByPackage, topSelfTime } from './cpu-profile';
import { startInvalidationProbe } from './invalidation-probe';
import { runAutocannon } from './load/autocannon';
import type { LoadResult } from './load/load-result';
import { runPaced } from './load/paced';
import { runWrk, wrkInstalled } from './load/wrk';
import type { ReadOptions } from './options';
import type { Log } from './prepare';
import { treeCpuMs } from './proc-cpu';
import type { PrivateRedis } from './redis';
import { type HarnessScenario, LOAD_TOOLS, type LoadTool, type ScenarioFile, idGenerator, isHarnessScenario, requestFactory } from './scenarios';
import { type Server, profiler } from './servers';

/** When 1% of requests leave later than this, the paced generator did not keep its rate: flagged. */
const MAX_PACED_LAG_P99_MS = 2;

export interface BenchCase {
  readonly name: string;
  readonly scenario: HarnessScenario;
  readonly tool: LoadTool;
}

/** One measured run of a case against one server. */
export type ReadRun = LoadResult & {
  readonly scenario: string;
  readonly tool: LoadTool;
  readonly round: number;
  readonly server: string;
  /** CPU µs per answered request of the server (with its workers) and of Redis; null without /proc. */
  readonly cpuUsPerRequest: { readonly server: number | null; readonly redis: number | null };
  /** A case run with the near-cache: each invalidation delay measured during the run, in ms (see invalidation-probe.ts). */
  readonly invalidationDelaysMs?: readonly number[];
};

/** The servers of a run: the API, the API with its near-cache (when a case asks for it), the reference. */
export interface Servers {
  readonly api: Server;
  readonly nearCache?: Server;
  readonly reference: Server;
}

/** The name of the API with its near-cache in runs and reports. */
export const NEAR_CACHE_SERVER = 'api-near-cache';

export interface ServerProfile {
  readonly path: string;
  readonly rps: number;
  readonly top: TopFunction[];
  readonly byPackage: AreaShare[];
}

export interface CpuProfiles {
  readonly scenario: string;
  readonly tool: LoadTool;
  readonly profiles: Readonly<Record<string, ServerProfile>>;
}

interface LoadSettings {
  readonly durationS: number;
  readonly wrkThreads: number;
}

/** The (scenario, tool) cases to run, in scenario-file order; wrk only where installed. */
export function planCases(file: ScenarioFile, { only, tools }: Pick<ReadOptions, 'only' | 'tools'>): BenchCase[] {
  const available = LOAD_TOOLS.filter((tool) => (tool !== 'wrk' || wrkInstalled()) && (!tools || tools.includes(tool)));
  const cases: BenchCase[] = [];
  for (const [name, scenario] of Object.entries(file.scenarios)) {
    if (only && !only.includes(name)) continue;
    for (const tool of LOAD_TOOLS) {
      if (isHarnessScenario(scenario) && (scenario.harness ?? []).includes(tool) && available.includes(tool)) cases.push({ name, scenario, tool });
    }
  }
  return cases;
}

/** One load run of `durationS` against `server`. */
export function load(file: ScenarioFile, { scenario, tool }: Pick<BenchCase, 'scenario' | 'tool'>, server: Server, { durationS, wrkThreads }: LoadSettings): Promise<LoadResult> {
  const { connections, rate } = scenario.load;
  const nextRequest = requestFactory(file, scenario.request);
  const url = server.url;
  switch (tool) {
    case 'autocannon':
      return runAutocannon({ url, nextRequest, connections, durationS });
    case 'wrk':
      return runWrk({ url, request: scenario.request, idSpace: file.idSpace, itemSpace: file.itemSpace, connections, durationS, threads: wrkThreads });
    case 'paced':
      if (rate === undefined) throw new Error('the paced tool runs fixed-rate scenarios only (load.rate)');
      return runPaced({ url, nextRequest, rate, connections, durationS });
  }
}

/**
 * One measured run: the load, plus the CPU time the server (with its workers, if any) and Redis
 * used per answered request (null where /proc is missing); with `probe`, the near-cache's
 * invalidation delays measured meanwhile on the case's ids.
 */
async function measure(file: ScenarioFile, entry: BenchCase, server: Server, redis: PrivateRedis, settings: LoadSettings, probe: boolean) {
  const pids = [server.handle.child.pid, redis.handle.child.pid];
  const before = pids.map(treeCpuMs);
  const probing = probe ? startInvalidationProbe(redis.url, idGenerator(file.idSpace, entry.scenario.request.hotIds)) : undefined;
  const result = await load(file, entry, server, settings);
  const invalidationDelaysMs = await probing?.stop();
  const [serverUs, redisUs] = pids.map((pid, index) => {
    const after = treeCpuMs(pid);
    const start = before[index];
    if (after === null || start === null || result.requests === 0) return null;
    return ((after - start) * 1000) / result.requests;
  });
  return { ...result, cpuUsPerRequest: { server: serverUs, redis: redisUs }, ...(invalidationDelaysMs ? { invalidationDelaysMs } : {}) };
}

function warningsOf(run: ReadRun): string[] {
  const where = `${run.scenario} [${run.tool}] ${run.server} round ${run.round}`;
  const warnings: string[] = [];
  if (run.errors + run.non2xx > 0) {
    const statuses = run.failedStatuses ? ` (${JSON.stringify(run.failedStatuses)})` : ' (wrk does not tell which statuses)';
    warnings.push(`${where}: ${run.errors} connection errors or timeouts, ${run.non2xx} non-2xx answers${statuses}`);
  }
  const { p99, max } = run.lagMs ?? {};
  if (typeof p99 === 'number' && p99 > MAX_PACED_LAG_P99_MS) {
    warnings.push(`${where}: the generator fell behind its schedule (p99 ${p99.toFixed(1)} ms, max ${max?.toFixed(1)} ms)`);
  }
  return warnings;
}

/**
 * Warm-up of every case on every server, then `rounds` rounds in which each case loads every
 * server in turn (A B A B ...; A A' B ... where the API with its near-cache runs the case too).
 * `floor`, when given, is loaded after them in the fixed-rate cases.
 */
export async function runRounds(
  file: ScenarioFile,
  cases: readonly BenchCase[],
  { api, nearCache, reference }: Servers,
  redis: PrivateRedis,
  options: ReadOptions,
  log: Log,
  floor: Server | undefined,
): Promise<{ runs: ReadRun[]; warnings: string[] }> {
  const settings = { durationS: options.durationS, wrkThreads: options.wrkThreads };
  const serversOf = (entry: BenchCase) =>
    Object.entries({
      api,
      ...(nearCache && entry.scenario.nearCache ? { [NEAR_CACHE_SERVER]: nearCache } : {}),
      reference,
      ...(floor && entry.tool === 'paced' ? { floor } : {}),
    });
  for (const entry of cases) {
    for (const [, server] of serversOf(entry)) await load(file, entry, server, { ...settings, durationS: options.warmupS });
  }
  const runs: ReadRun[] = [];
  const warnings: string[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const entry of cases) {
      for (const [serverName, server] of serversOf(entry)) {
        // Every server of the case runs beside the probe (its reads and writes load this process and
        // Redis alike), so that the comparison stays fair.
        const { tool, ...figures } = await measure(file, entry, server, redis, settings, Boolean(nearCache && entry.scenario.nearCache));
        const run: ReadRun = { scenario: entry.name, tool, round, server: serverName, ...figures };
        runs.push(run);
        warnings.push(...warningsOf(run));
        const cpu = run.cpuUsPerRequest.server?.toFixed(0) ?? '?';
        const p99 = run.latency.p99?.toFixed(2);
        const probed = run.invalidationDelaysMs ? `, ${run.invalidationDelaysMs.length} invalidation delays measured` : '';
        log(`round ${round} ${entry.name} [${entry.tool}] ${serverName}: ${Math.round(run.rps)} req/s, p99 ${p99} ms, ${cpu} µs CPU/req${probed}`);
      }
    }
  }
  return { runs, warnings };
}

/**
 * CPU profiles of every server under the first closed-loop case, one after the other; the
 * near-cache API too when that case compares it.
 */
export async function profileServers(
  file: ScenarioFile,
  cases: readonly BenchCase[],
  servers: Readonly<Record<string, Server>>,
  nearCache: Server | undefined,
  options: ReadOptions,
  log: Log,
): Promise<CpuProfiles | null> {
  const profiled = cases.find(({ scenario }) => !scenario.load.rate);
  if (!profiled) return null;
  const { name, scenario } = profiled;
  const tool = wrkInstalled() ? 'wrk' : 'autocannon';
  const profiles: Record<string, ServerProfile> = {};
  const profiledServers = { ...servers, ...(nearCache && scenario.nearCache ? { [NEAR_CACHE_SERVER]: nearCache } : {}) };
  for (const [serverName, server] of Object.entries(profiledServers)) {
    log(`CPU profile of ${serverName} under ${name} (${tool}, ${options.durationS} s)`);
    await profiler(server, 'start');
    const result = await load(file, { scenario, tool }, server, options);
    const path = await profiler(server, 'stop');
    if (path === undefined) throw new Error(`${serverName}: the profiler wrote no profile`);
    profiles[serverName] = { path, rps: result.rps, top: topSelfTime(path, 20), byPackage: selfTimeByPackage(path) };
  }
  return { scenario: name, tool, profiles };
}

export function formatProfiles(cpuProfile: CpuProfiles | null): string[] {
  return Object.entries(cpuProfile?.profiles ?? {}).map(
    ([serverName, profile]) =>
      `CPU profile of ${serverName} under ${cpuProfile?.scenario} [${cpuProfile?.tool}], ${Math.round(profile.rps)} req/s (${profile.path})\n` +
      `Self time by package:\n${formatAreas(profile.byPackage)}\nTop functions by self time:\n${formatTop(profile.top)}`,
  );
}
