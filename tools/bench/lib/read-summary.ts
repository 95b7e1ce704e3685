// The read bench's figures: per-case medians, API/reference ratios and target verdicts, and the
// console and Markdown text of them (written through report.ts).
import { type CpuProfiles, NEAR_CACHE_SERVER, type ReadRun } from './cases';
import { fmtCount, fmtFixed, fmtMs, fmtRatio, markdownTable, markdownVerdict, textTable, verdictLine } from './report';
import type { Scenario } from './scenarios';
import { LatencyRecorder, type LatencySummary, median } from './stats';

const SERVERS = ['api', 'reference'] as const;
/** The servers of a case in the order of the table: the API, the API with its near-cache, the reference. */
const TABLE_ORDER = ['api', NEAR_CACHE_SERVER, 'reference'] as const;
/** Loaded in the fixed-rate cases only: bare node:http, the machine's latency floor. */
const FLOOR = 'floor';

export interface ServerFigures {
  readonly rounds: number;
  readonly rps: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly cpuUs: number | null;
  readonly redisCpuUs: number | null;
  readonly errors: number;
  readonly maxLagMs: number | undefined;
}

export interface CaseSummary {
  readonly scenario: string;
  readonly tool: string;
  readonly description: string | undefined;
  readonly servers: Readonly<Record<string, ServerFigures>>;
  readonly rpsRatio: number | null;
  readonly p99Ratio: number | null;
  readonly cpuRatio: number | null;
  /** Where the API with its near-cache ran the case too. */
  readonly nearCache?: NearCacheFigures;
}

export interface NearCacheFigures {
  /** Per-round medians of the API with its near-cache over the API without (p99, CPU: lower is better), and over the reference. */
  readonly rpsRatio: number | null;
  readonly p99Ratio: number | null;
  readonly cpuRatio: number | null;
  readonly rpsVsReference: number | null;
  /** Write acknowledged -> entry dropped, every delay of every run of the case. */
  readonly invalidationDelayMs: LatencySummary & { readonly count: number };
}

export interface Verdict {
  readonly scenario: string;
  readonly tool: string;
  readonly what: string;
  readonly actual: number | null;
  readonly limit: number;
  readonly floorP99?: number | null;
  readonly text: string;
  readonly pass: boolean;
}

type Scenarios = Readonly<Record<string, Scenario>>;

/** One entry per (scenario, tool), in the order they first ran. */
export function summarise(runs: readonly ReadRun[], scenarios: Scenarios): CaseSummary[] {
  const cases = new Map<string, { scenario: string; tool: string; runs: ReadRun[] }>();
  for (const run of runs) {
    const key = `${run.scenario} ${run.tool}`;
    const entry = cases.get(key) ?? { scenario: run.scenario, tool: run.tool, runs: [] };
    cases.set(key, entry);
    entry.runs.push(run);
  }
  return [...cases.values()].map(({ scenario, tool, runs: caseRuns }) => {
    const servers: Record<string, ServerFigures> = {};
    const loaded = [...TABLE_ORDER, FLOOR].filter((server) => caseRuns.some((run) => run.server === server));
    for (const server of loaded) {
      const own = caseRuns.filter((run) => run.server === server);
      servers[server] = {
        rounds: own.length,
        rps: median(own.map((run) => run.rps)),
        p50: median(own.map((run) => run.latency.p50)),
        p90: median(own.map((run) => run.latency.p90)),
        p99: median(own.map((run) => run.latency.p99)),
        cpuUs: median(own.map((run) => run.cpuUsPerRequest.server)),
        redisCpuUs: median(own.map((run) => run.cpuUsPerRequest.redis)),
        errors: own.reduce((sum, run) => sum + run.errors + run.non2xx, 0),
        maxLagMs: own.some((run) => run.lagMs) ? Math.max(...own.map((run) => run.lagMs?.max ?? 0)) : undefined,
      };
    }
    // Ratios are taken per round (runs of one round follow each other), then the median.
    const pairedRatio = (server: string, base: string, of: (run: ReadRun) => number | null) => {
      const rounds = [...new Set(caseRuns.map((run) => run.round))];
      return median(
        rounds.map((round) => {
          const [a, b] = [server, base].map((name) => caseRuns.find((run) => run.round === round && run.server === name));
          return a && b ? (of(a) ?? NaN) / (of(b) ?? NaN) : NaN;
        }),
      );
    };
    const [api, reference] = SERVERS;
    const rps = (run: ReadRun) => run.rps;
    const p99 = (run: ReadRun) => run.latency.p99;
    const cpu = (run: ReadRun) => run.cpuUsPerRequest.server;
    return {
      scenario,
      tool,
      description: scenarios[scenario]?.description,
      servers,
      rpsRatio: pairedRatio(api, reference, rps),
      p99Ratio: pairedRatio(api, reference, p99),
      cpuRatio: pairedRatio(api, reference, cpu),
      ...(servers[NEAR_CACHE_SERVER]
        ? {
            nearCache: {
              rpsRatio: pairedRatio(NEAR_CACHE_SERVER, api, rps),
              p99Ratio: pairedRatio(NEAR_CACHE_SERVER, api, p99),
              cpuRatio: pairedRatio(NEAR_CACHE_SERVER, api, cpu),
              rpsVsReference: pairedRatio(NEAR_CACHE_SERVER, reference, rps),
              invalidationDelayMs: delays(caseRuns),
            },
          }
        : {}),
    };
  });
}

/** Every invalidation delay of the runs, summarised. */
function delays(runs: readonly ReadRun[]): LatencySummary & { readonly count: number } {
  const recorder = new LatencyRecorder();
  let count = 0;
  for (const run of runs) {
    for (const ms of run.invalidationDelaysMs ?? []) {
      recorder.record(ms);
      count += 1;
    }
  }
  return { ...recorder.summary(), count };
}

/** One verdict per target of scenarios.json and tool that ran the scenario. */
export function judgeTargets(summary: readonly CaseSummary[], scenarios: Scenarios): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const entry of summary) {
    const target = scenarios[entry.scenario]?.target;
    if (!target) continue;
    const api = entry.servers.api;
    if (target.minThroughputRatio !== undefined) {
      verdicts.push({
        scenario: entry.scenario,
        tool: entry.tool,
        what: 'throughput vs reference',
        actual: entry.rpsRatio,
        limit: target.minThroughputRatio,
        text: `${fmtRatio(entry.rpsRatio)} (target >= ${target.minThroughputRatio}x)`,
        pass: entry.rpsRatio !== null && entry.rpsRatio >= target.minThroughputRatio,
      });
    }
    if (target.minNearCacheRatio !== undefined) {
      const actual = entry.nearCache?.rpsRatio ?? null;
      verdicts.push({
        scenario: entry.scenario,
        tool: entry.tool,
        what: 'throughput with the near-cache vs without',
        actual,
        limit: target.minNearCacheRatio,
        text: `${fmtRatio(actual)} (target >= ${target.minNearCacheRatio}x; API CPU per request with / without: ${fmtRatio(entry.nearCache?.cpuRatio ?? null)})`,
        pass: actual !== null && actual >= target.minNearCacheRatio,
      });
    }
    if (target.p99Ms !== undefined) {
      // Where the floor ran, its p99 says whether this machine can meet the target at all.
      const floorP99 = entry.servers[FLOOR]?.p99;
      const floorText = floorP99 === undefined ? '' : `; floor here, bare node:http at the same load: ${fmtMs(floorP99)} ms`;
      verdicts.push({
        scenario: entry.scenario,
        tool: entry.tool,
        what: 'API p99',
        actual: api.p99,
        limit: target.p99Ms,
        ...(floorP99 === undefined ? {} : { floorP99 }),
        text: `${fmtMs(api.p99)} ms (target <= ${target.p99Ms} ms${floorText})`,
        pass: api.p99 !== null && api.p99 <= target.p99Ms,
      });
    }
  }
  return verdicts;
}

const HEADER = [
  ...['case', 'tool', 'server', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'CPU µs/req'],
  ...['api/ref req/s', 'api/ref p99', 'api/ref CPU'],
];

function tableRows(summary: readonly CaseSummary[]): string[][] {
  const body = summary.flatMap((entry) =>
    Object.entries(entry.servers).map(([server, s]) => {
      const first = server === 'api';
      // The API with its near-cache: its own ratios to the reference (to the API without: see nearCacheLines).
      const cached = server === NEAR_CACHE_SERVER;
      return [
        first ? entry.scenario : '',
        first ? entry.tool : '',
        server,
        fmtCount(s.rps),
        fmtMs(s.p50),
        fmtMs(s.p90),
        fmtMs(s.p99),
        String(s.errors),
        fmtFixed(s.cpuUs, 0),
        first ? fmtRatio(entry.rpsRatio) : cached ? fmtRatio(entry.nearCache?.rpsVsReference ?? null) : '',
        first ? fmtRatio(entry.p99Ratio) : '',
        first ? fmtRatio(entry.cpuRatio) : '',
      ];
    }),
  );
  return [HEADER, ...body];
}

export const consoleTable = (summary: readonly CaseSummary[]): string => textTable(tableRows(summary), 3);

/** Per case run with the near-cache: its ratios to the API without, and the invalidation delay. */
export function nearCacheLines(summary: readonly CaseSummary[]): string[] {
  return summary.flatMap(({ scenario, tool, servers, nearCache }) => {
    if (!nearCache) return [];
    const { rpsRatio, p99Ratio, cpuRatio, invalidationDelayMs: delay } = nearCache;
    const redisCpu = (server: string) => fmtFixed(servers[server]?.redisCpuUs ?? null, 1);
    return [
      `${scenario} [${tool}] with the near-cache / without: req/s ${fmtRatio(rpsRatio)}, p99 ${fmtRatio(p99Ratio)}, CPU/req ${fmtRatio(cpuRatio)} ` +
        `(Redis CPU/req ${redisCpu(NEAR_CACHE_SERVER)} µs, without ${redisCpu('api')} µs); ` +
        `invalidation delay (write acknowledged -> entry dropped, ${delay.count} writes): p50 ${fmtMs(delay.p50)} ms, p99 ${fmtMs(delay.p99)} ms, max ${fmtMs(delay.max)} ms`,
    ];
  });
}

const verdictText = (v: Verdict) => verdictLine(v.pass, `${v.scenario} [${v.tool}] ${v.what}: ${v.text}`);

export const verdictLines = (verdicts: readonly Verdict[]): string => verdicts.map(verdictText).join('\n');

export interface ReadMeta {
  readonly startedAt: string;
  readonly profile: string;
  readonly durationS: number;
  readonly warmupS: number;
  readonly rounds: number;
  readonly wrkThreads: number;
  readonly apiWorkers: number;
  readonly seededBy: string;
  readonly cpus: number;
  readonly node: string;
  readonly commit: string;
  readonly loadAverage: { readonly start: readonly string[]; readonly end: readonly string[] };
}

export interface ReadReport {
  readonly meta: ReadMeta;
  readonly summary: readonly CaseSummary[];
  readonly verdicts: readonly Verdict[];
  readonly warnings: readonly string[];
  readonly cpuProfile: CpuProfiles | null;
  readonly runs: readonly ReadRun[];
}

function profileSection(cpuProfile: CpuProfiles | null): string[] {
  if (!cpuProfile) return [];
  return [
    '',
    `## CPU profiles under ${cpuProfile.scenario} [${cpuProfile.tool}]`,
    ...Object.entries(cpuProfile.profiles).flatMap(([server, profile]) => [
      '',
      `${server}, ${Math.round(profile.rps)} req/s while profiled (\`${profile.path}\`): self time by package`,
      '',
      ...profile.byPackage.slice(0, 8).map(({ area, share }) => `- ${(share * 100).toFixed(1)}% ${area}`),
    ]),
  ];
}

export function readMarkdown({ meta, summary, verdicts, warnings, cpuProfile }: ReadReport): string {
  return [
    `# Feature store bench, ${meta.startedAt}`,
    '',
    `Profile \`${meta.profile}\`: ${meta.rounds} rounds of ${meta.durationS} s per case and server ` +
      `(A = API with API_WORKERS=${meta.apiWorkers}, B = reference, one process, A B A B ...), after ${meta.warmupS} s of warm-up each. ` +
      'The fixed-rate cases load a third server after B: `floor`, bare node:http answering bodies of the same shape with fixed values, without Redis: the latency of this machine and load generator alone.',
    `Machine: ${meta.cpus} CPU(s), load average ${meta.loadAverage.start.join(' / ')} at start, ` +
      `${meta.loadAverage.end.join(' / ')} at end; Node ${meta.node}; commit ${meta.commit}; seeded by ${meta.seededBy}.`,
    'Figures are medians over rounds; ratios are medians of per-round API/reference ratios. Latency: autocannon and ' +
      'paced in full precision, wrk in microseconds. CPU µs/req: user + system CPU of the server process (and its workers) per answered ' +
      'request (/proc), steadier than req/s on a shared machine.',
    '',
    markdownTable(tableRows(summary)),
    ...(summary.some((entry) => entry.nearCache)
      ? [
          '',
          '## Near-cache',
          '',
          `\`${NEAR_CACHE_SERVER}\` is the same build on \`registry/examples/near-cache.yaml\`; its api/ref column is its own ratio to the reference. ` +
            'The invalidation delay is measured during every run of the case by the library\'s near-cache in the bench process, on the same Redis: a write every 50 ms to an id it holds.',
          '',
          ...nearCacheLines(summary).map((line) => `- ${line}`),
        ]
      : []),
    '',
    '## Targets',
    '',
    ...verdicts.map((v) => markdownVerdict(verdictText(v))),
    ...(warnings.length ? ['', '## Warnings', '', ...warnings.map((w) => `- ${w}`)] : []),
    ...profileSection(cpuProfile),
    '',
  ].join('\n');
}
