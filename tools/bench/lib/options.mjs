// Command-line flags, each with an environment variable fallback (flags win), validated once.
import { parseArgs } from 'node:util';

export const USAGE = `usage: node tools/bench/run.mjs [options]

Starts a private Redis seeded with the id space of k6/scenarios.json, the API (production build)
and the reference server, loads them in turn with the scenarios of k6/scenarios.json, prints a
table and target verdicts, and writes reports/bench/latest.{json,md}.

  --profile NAME      quick | default | full (durations, rounds)        BENCH_PROFILE
  --duration S        seconds per measured run                          BENCH_DURATION_S
  --warmup S          seconds of warm-up per case and server            BENCH_WARMUP_S
  --rounds N          A B rounds per case                               BENCH_ROUNDS
  --only LIST         scenario names, comma-separated                   BENCH_ONLY
  --tools LIST        autocannon,wrk,paced (default: every installed)   BENCH_TOOLS
  --api-workers N     API_WORKERS of the API (default 1; the reference is
                      always one process)                               BENCH_API_WORKERS
  --wrk-threads N     wrk threads (default 1: the servers need the other core)  BENCH_WRK_THREADS
  --cpu-profile       after the rounds, CPU-profile the API under single-read
                      load and print the top functions by self time     BENCH_CPU_PROFILE=1
  --no-build          use the existing dist/ build of the API           BENCH_NO_BUILD=1
  --out DIR           report folder (default reports/bench)             BENCH_OUT
  -h, --help`;

/** A bad flag or variable: reported without a stack trace. */
export class UsageError extends Error {
  name = 'UsageError';
}

// Whole numbers only: wrk takes whole seconds.
const positive = (name, raw) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${name}: expected a positive whole number, got "${raw}"`);
  return value;
};

const list = (raw) =>
  raw
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** @throws Error naming the flag or variable at fault */
export function parseOptions(argv, env, scenarioFile) {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      tools: { type: 'string' },
      'api-workers': { type: 'string' },
      'wrk-threads': { type: 'string' },
      'cpu-profile': { type: 'boolean' },
      'no-build': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };

  const profileName = values.profile ?? env.BENCH_PROFILE ?? 'default';
  const profile = scenarioFile.profiles[profileName];
  if (!profile) {
    throw new UsageError(`--profile: expected one of ${Object.keys(scenarioFile.profiles).join(', ')}, got "${profileName}"`);
  }
  const pick = (flag, variable, fallback) => {
    const raw = values[flag] ?? env[variable];
    return raw === undefined ? fallback : positive(values[flag] !== undefined ? `--${flag}` : variable, raw);
  };
  const only = list(values.only ?? env.BENCH_ONLY);
  for (const name of only ?? []) {
    if (!scenarioFile.scenarios[name]) throw new UsageError(`--only: unknown scenario "${name}"`);
  }
  const tools = list(values.tools ?? env.BENCH_TOOLS);
  for (const tool of tools ?? []) {
    if (!['autocannon', 'wrk', 'paced'].includes(tool)) throw new UsageError(`--tools: unknown tool "${tool}"`);
  }
  return {
    help: false,
    profile: profileName,
    durationS: pick('duration', 'BENCH_DURATION_S', profile.durationSeconds),
    warmupS: pick('warmup', 'BENCH_WARMUP_S', profile.warmupSeconds),
    rounds: pick('rounds', 'BENCH_ROUNDS', profile.rounds),
    only,
    tools,
    apiWorkers: pick('api-workers', 'BENCH_API_WORKERS', 1),
    wrkThreads: pick('wrk-threads', 'BENCH_WRK_THREADS', 1),
    cpuProfile: values['cpu-profile'] ?? env.BENCH_CPU_PROFILE === '1',
    build: !(values['no-build'] ?? env.BENCH_NO_BUILD === '1'),
    outDir: values.out ?? env.BENCH_OUT ?? 'reports/bench',
  };
}
