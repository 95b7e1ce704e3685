// Turns the runs of a bench into per-case medians, API/reference ratios and target verdicts, and
// writes them as a console table, JSON and Markdown.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './stats.mjs';

const SERVERS = ['api', 'reference'];
/** Loaded in the fixed-rate cases only: bare node:http, the machine's latency floor. */
const FLOOR = 'floor';

/**
 * @param runs [{ scenario, tool, round, server, rps, errors, non2xx, latency: {p50,p90,p99}, lagMs? }]
 * @returns one entry per (scenario, tool), in the order first run
 */
export function summarise(runs, scenarios) {
  const cases = new Map();
  for (const run of runs) {
    const key = `${run.scenario} ${run.tool}`;
    if (!cases.has(key)) cases.set(key, { scenario: run.scenario, tool: run.tool, runs: [] });
    cases.get(key).runs.push(run);
  }
  return [...cases.values()].map(({ scenario, tool, runs: caseRuns }) => {
    const servers = {};
    const loaded = caseRuns.some((run) => run.server === FLOOR) ? [...SERVERS, FLOOR] : SERVERS;
    for (const server of loaded) {
      const own = caseRuns.filter((run) => run.server === server);
      servers[server] = {
        rounds: own.length,
        rps: median(own.map((run) => run.rps)),
        p50: median(own.map((run) => run.latency.p50)),
        p90: median(own.map((run) => run.latency.p90)),
        p99: median(own.map((run) => run.latency.p99)),
        cpuUs: median(own.map((run) => run.cpuUsPerRequest?.server)),
        redisCpuUs: median(own.map((run) => run.cpuUsPerRequest?.redis)),
        errors: own.reduce((sum, run) => sum + run.errors + run.non2xx, 0),
        maxLagMs: own.some((run) => run.lagMs) ? Math.max(...own.map((run) => run.lagMs?.max ?? 0)) : undefined,
      };
    }
    // Ratios are taken per round (the API's run and the reference run right after it), then the median.
    const rounds = [...new Set(caseRuns.map((run) => run.round))];
    const paired = rounds
      .map((round) => SERVERS.map((server) => caseRuns.find((run) => run.round === round && run.server === server)))
      .filter(([api, reference]) => api && reference);
    const rpsRatio = median(paired.map(([api, reference]) => api.rps / reference.rps));
    const p99Ratio = median(paired.map(([api, reference]) => api.latency.p99 / reference.latency.p99));
    const cpuRatio = median(paired.map(([api, reference]) => (api.cpuUsPerRequest?.server ?? NaN) / (reference.cpuUsPerRequest?.server ?? NaN)));
    return { scenario, tool, description: scenarios[scenario]?.description, servers, rpsRatio, p99Ratio, cpuRatio };
  });
}

/** One verdict per target of scenarios.json and tool that ran the scenario. */
export function judgeTargets(summary, scenarios) {
  const verdicts = [];
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

const fmtRps = (value) => (value === null ? '-' : Math.round(value).toLocaleString('en-US'));
const fmtMs = (value) => (value === null || value === undefined ? '-' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const fmtRatio = (value) => (value === null ? '-' : `${value.toFixed(2)}x`);

const HEADER = [
  ...['case', 'tool', 'server', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'CPU µs/req'],
  ...['api/ref req/s', 'api/ref p99', 'api/ref CPU'],
];

function rows(summary) {
  return summary.flatMap((entry) =>
    Object.keys(entry.servers).map((server) => {
      const s = entry.servers[server];
      const first = server === 'api';
      return [
        first ? entry.scenario : '',
        first ? entry.tool : '',
        server,
        fmtRps(s.rps),
        fmtMs(s.p50),
        fmtMs(s.p90),
        fmtMs(s.p99),
        String(s.errors),
        s.cpuUs === null ? '-' : s.cpuUs.toFixed(0),
        first ? fmtRatio(entry.rpsRatio) : '',
        first ? fmtRatio(entry.p99Ratio) : '',
        first ? fmtRatio(entry.cpuRatio) : '',
      ];
    }),
  );
}

export function consoleTable(summary) {
  const all = [HEADER, ...rows(summary)];
  const widths = HEADER.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(HEADER), widths.map((width) => '-'.repeat(width)).join('  '), ...rows(summary).map(line)].join('\n');
}

export function verdictLines(verdicts) {
  return verdicts.map((v) => `${v.pass ? 'PASS' : 'FAIL'}  ${v.scenario} [${v.tool}] ${v.what}: ${v.text}`).join('\n');
}

function profileSection(cpuProfile) {
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

function markdown(report) {
  const { meta, summary, verdicts, warnings, cpuProfile } = report;
  const table = [HEADER, HEADER.map(() => '---'), ...rows(summary)].map((row) => `| ${row.join(' | ')} |`).join('\n');
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
    table,
    '',
    '## Targets',
    '',
    ...verdicts.map((v) => `- **${v.pass ? 'PASS' : 'FAIL'}** ${v.scenario} [${v.tool}] ${v.what}: ${v.text}`),
    ...(warnings.length ? ['', '## Warnings', '', ...warnings.map((w) => `- ${w}`)] : []),
    ...profileSection(cpuProfile),
    '',
  ].join('\n');
}

/** Writes bench-<stamp>.json/.md and latest.json/.md under `dir`; returns the paths written. */
export function writeReport(dir, report) {
  mkdirSync(dir, { recursive: true });
  const stamp = report.meta.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const md = markdown(report);
  const paths = [join(dir, `bench-${stamp}.json`), join(dir, `bench-${stamp}.md`)];
  writeFileSync(paths[0], json);
  writeFileSync(paths[1], md);
  writeFileSync(join(dir, 'latest.json'), json);
  writeFileSync(join(dir, 'latest.md'), md);
  return paths;
}
