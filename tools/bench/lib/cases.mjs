// The cases of a bench (scenario x load tool), and how one is loaded against a server.
import { formatAreas, formatTop, selfTimeByPackage, topSelfTime } from './cpu-profile.mjs';
import { runAutocannon } from './load/autocannon.mjs';
import { runPaced } from './load/paced.mjs';
import { runWrk, wrkInstalled } from './load/wrk.mjs';
import { treeCpuMs } from './proc-cpu.mjs';
import { requestFactory } from './scenarios.mjs';
import { profiler } from './servers.mjs';

const TOOL_ORDER = ['autocannon', 'wrk', 'paced'];
/** When 1% of requests leave later than this, the paced generator did not keep its rate: flagged. */
const MAX_PACED_LAG_P99_MS = 2;

/** The (scenario, tool) cases to run, in scenario-file order; wrk only where installed. */
export function planCases(file, { only, tools }) {
  const available = TOOL_ORDER.filter((tool) => (tool !== 'wrk' || wrkInstalled()) && (!tools || tools.includes(tool)));
  const cases = [];
  for (const [name, scenario] of Object.entries(file.scenarios)) {
    if (only && !only.includes(name)) continue;
    for (const tool of TOOL_ORDER) {
      if ((scenario.harness ?? []).includes(tool) && available.includes(tool)) cases.push({ name, scenario, tool });
    }
  }
  return cases;
}

/** One load run of `durationS` against `server`. */
export function load(file, { scenario, tool }, server, { durationS, wrkThreads }) {
  const { connections, rate } = scenario.load;
  const nextRequest = requestFactory(file, scenario.request);
  const url = server.url;
  switch (tool) {
    case 'autocannon':
      return runAutocannon({ url, nextRequest, connections, durationS });
    case 'wrk':
      return runWrk({ url, request: scenario.request, idSpace: file.idSpace, connections, durationS, threads: wrkThreads });
    case 'paced':
      return runPaced({ url, nextRequest, rate, connections, durationS });
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}

/**
 * One measured run: the load, plus the CPU time the server (with its workers, if any) and Redis
 * used per answered request (null where /proc is missing).
 */
async function measure(file, entry, server, redis, settings) {
  const pids = [server.handle.child.pid, redis.handle.child.pid];
  const before = pids.map(treeCpuMs);
  const result = await load(file, entry, server, settings);
  const [serverUs, redisUs] = pids.map((pid, index) => {
    const after = treeCpuMs(pid);
    if (after === null || before[index] === null || result.requests === 0) return null;
    return ((after - before[index]) * 1000) / result.requests;
  });
  return { ...result, cpuUsPerRequest: { server: serverUs, redis: redisUs } };
}

function warningsOf(run) {
  const where = `${run.scenario} [${run.tool}] ${run.server} round ${run.round}`;
  const warnings = [];
  if (run.errors + run.non2xx > 0) {
    const statuses = run.failedStatuses ? ` (${JSON.stringify(run.failedStatuses)})` : ' (wrk does not tell which statuses)';
    warnings.push(`${where}: ${run.errors} connection errors or timeouts, ${run.non2xx} non-2xx answers${statuses}`);
  }
  if (run.lagMs && run.lagMs.p99 > MAX_PACED_LAG_P99_MS) {
    const { p99, max } = run.lagMs;
    warnings.push(`${where}: the generator fell behind its schedule (p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms)`);
  }
  return warnings;
}

/**
 * Warm-up of every case on every server, then `rounds` rounds in which each case loads every
 * server in turn (A B A B ...). `floor`, when given, is loaded after them in the fixed-rate cases.
 * @returns { runs, warnings }
 */
export async function runRounds(file, cases, servers, redis, options, log, floor) {
  const settings = { durationS: options.durationS, wrkThreads: options.wrkThreads };
  const serversOf = (entry) => Object.entries({ ...servers, ...(floor && entry.tool === 'paced' ? { floor } : {}) });
  for (const entry of cases) {
    for (const [, server] of serversOf(entry)) await load(file, entry, server, { ...settings, durationS: options.warmupS });
  }
  const runs = [];
  const warnings = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const entry of cases) {
      for (const [serverName, server] of serversOf(entry)) {
        const result = await measure(file, entry, server, redis, settings);
        const run = { scenario: entry.name, tool: entry.tool, round, server: serverName, ...result };
        runs.push(run);
        warnings.push(...warningsOf(run));
        const cpu = run.cpuUsPerRequest.server?.toFixed(0) ?? '?';
        const p99 = run.latency.p99?.toFixed(2);
        log(`round ${round} ${entry.name} [${entry.tool}] ${serverName}: ${Math.round(run.rps)} req/s, p99 ${p99} ms, ${cpu} µs CPU/req`);
      }
    }
  }
  return { runs, warnings };
}

/** CPU profiles of every server under the closed-loop single-read load, one after the other. */
export async function profileServers(file, servers, options, log) {
  const single = Object.entries(file.scenarios).find(([, s]) => s.request?.route === 'single' && !s.load.rate);
  if (!single) return null;
  const [name, scenario] = single;
  const tool = wrkInstalled() ? 'wrk' : 'autocannon';
  const profiles = {};
  for (const [serverName, server] of Object.entries(servers)) {
    log(`CPU profile of ${serverName} under ${name} (${tool}, ${options.durationS} s)`);
    await profiler(server, 'start');
    const result = await load(file, { scenario, tool }, server, options);
    const path = await profiler(server, 'stop');
    profiles[serverName] = { path, rps: result.rps, top: topSelfTime(path, 20), byPackage: selfTimeByPackage(path) };
  }
  return { scenario: name, tool, profiles };
}

export function formatProfiles(cpuProfile) {
  return Object.entries(cpuProfile?.profiles ?? {}).map(
    ([serverName, profile]) =>
      `CPU profile of ${serverName} under ${cpuProfile.scenario} [${cpuProfile.tool}], ${Math.round(profile.rps)} req/s (${profile.path})\n` +
      `Self time by package:\n${formatAreas(profile.byPackage)}\nTop functions by self time:\n${formatTop(profile.top)}`,
  );
}
