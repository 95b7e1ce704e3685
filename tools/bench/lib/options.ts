// The command-line options of every bench tool (run, write-bench, cluster-bench, client-bench, soak, faults):
// one parser over node:util parseArgs, then each tool's table of flags, defaults and checks.
// A flag may fall back on an environment variable; the flag wins.
import { parseArgs } from 'node:util';
import { LOAD_TOOLS, type LoadTool, type ScenarioFile } from './scenarios';

/** A bad flag or variable: reported without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** count: a positive whole number; list: comma-separated; switch: a boolean flag, "1" in its variable. */
type Kind = 'count' | 'text' | 'list' | 'switch';

interface Flag {
  readonly kind: Kind;
  readonly env?: string;
}

type Flags = Readonly<Record<string, Flag>>;
type ValueOf<K extends Kind> = K extends 'count' ? number : K extends 'list' ? string[] : K extends 'switch' ? boolean : string;
/** Each flag's value, undefined when neither the flag nor its variable is set. */
type Values<F extends Flags> = { readonly [Name in keyof F]: ValueOf<F[Name]['kind']> | undefined };

/** What a tool's parser returns: its options, or that -h/--help was asked for. */
export type Parsed<T> = { readonly help: true } | ({ readonly help: false } & T);

// Whole numbers only: wrk takes whole seconds.
function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${name}: expected a positive whole number, got "${raw}"`);
  return value;
}

const list = (raw: string) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * Reads `flags` (and -h/--help) from `argv`, each falling back on its variable in `env`.
 * @returns null when help was asked for
 * @throws UsageError naming the flag or variable at fault; parseArgs' own error for an unknown flag
 */
function parseFlags<F extends Flags>(flags: F, argv: readonly string[], env: NodeJS.ProcessEnv): Values<F> | null {
  const options = Object.fromEntries(Object.entries(flags).map(([name, { kind }]) => [name, { type: kind === 'switch' ? 'boolean' : 'string' } as const]));
  const { values } = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return null;
  const given = values as Readonly<Record<string, string | boolean | undefined>>;
  const parsed: Record<string, string | string[] | number | boolean | undefined> = {};
  for (const [name, { kind, env: variable }] of Object.entries(flags)) {
    const flag = given[name];
    if (flag !== undefined) {
      parsed[name] = typeof flag === 'boolean' ? flag : kind === 'count' ? positive(`--${name}`, flag) : kind === 'list' ? list(flag) : flag;
      continue;
    }
    const raw = variable === undefined ? undefined : env[variable];
    if (raw === undefined || variable === undefined) continue;
    parsed[name] = kind === 'switch' ? raw === '1' : kind === 'count' ? positive(variable, raw) : kind === 'list' ? list(raw) : raw;
  }
  return parsed as Values<F>;
}

// ---- run.ts: the read bench ----

export const READ_USAGE = `usage: node --import tsx tools/bench/run.ts [options]

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
  --cpu-profile       after the rounds, CPU-profile the API and the reference
                      (and the near-cache API in a hot case) under the
                      first closed-loop case run (single reads unless
                      --only says otherwise) and print the top
                      functions by self time                            BENCH_CPU_PROFILE=1
  --no-build          use the existing dist/ build of the API           BENCH_NO_BUILD=1
  --out DIR           report folder (default reports/bench)             BENCH_OUT
  -h, --help`;

const READ_FLAGS = {
  profile: { kind: 'text', env: 'BENCH_PROFILE' },
  duration: { kind: 'count', env: 'BENCH_DURATION_S' },
  warmup: { kind: 'count', env: 'BENCH_WARMUP_S' },
  rounds: { kind: 'count', env: 'BENCH_ROUNDS' },
  only: { kind: 'list', env: 'BENCH_ONLY' },
  tools: { kind: 'list', env: 'BENCH_TOOLS' },
  'api-workers': { kind: 'count', env: 'BENCH_API_WORKERS' },
  'wrk-threads': { kind: 'count', env: 'BENCH_WRK_THREADS' },
  'cpu-profile': { kind: 'switch', env: 'BENCH_CPU_PROFILE' },
  'no-build': { kind: 'switch', env: 'BENCH_NO_BUILD' },
  out: { kind: 'text', env: 'BENCH_OUT' },
} as const satisfies Flags;

export interface ReadOptions {
  readonly profile: string;
  readonly durationS: number;
  readonly warmupS: number;
  readonly rounds: number;
  /** Scenario names to run; undefined: all. */
  readonly only?: readonly string[];
  /** Load tools to use; undefined: every installed one. */
  readonly tools?: readonly LoadTool[];
  readonly apiWorkers: number;
  readonly wrkThreads: number;
  readonly cpuProfile: boolean;
  readonly build: boolean;
  readonly outDir: string;
}

const isLoadTool = (tool: string): tool is LoadTool => (LOAD_TOOLS as readonly string[]).includes(tool);

/** The read bench's options; durations and rounds default to the profile's in the scenario file. */
export function parseReadOptions(argv: readonly string[], env: NodeJS.ProcessEnv, scenarioFile: ScenarioFile): Parsed<ReadOptions> {
  const values = parseFlags(READ_FLAGS, argv, env);
  if (!values) return { help: true };
  const profileName = values.profile ?? 'default';
  const profile = scenarioFile.profiles[profileName];
  if (!profile) {
    throw new UsageError(`--profile: expected one of ${Object.keys(scenarioFile.profiles).join(', ')}, got "${profileName}"`);
  }
  for (const name of values.only ?? []) {
    if (!scenarioFile.scenarios[name]) throw new UsageError(`--only: unknown scenario "${name}"`);
  }
  const tools = values.tools?.map((tool) => {
    if (!isLoadTool(tool)) throw new UsageError(`--tools: unknown tool "${tool}"`);
    return tool;
  });
  return {
    help: false,
    profile: profileName,
    durationS: values.duration ?? profile.durationSeconds,
    warmupS: values.warmup ?? profile.warmupSeconds,
    rounds: values.rounds ?? profile.rounds,
    only: values.only,
    tools,
    apiWorkers: values['api-workers'] ?? 1,
    wrkThreads: values['wrk-threads'] ?? 1,
    cpuProfile: values['cpu-profile'] ?? false,
    build: !(values['no-build'] ?? false),
    outDir: values.out ?? 'reports/bench',
  };
}

// ---- write-bench.ts ----

export const WRITE_PATHS = ['library', 'loader', 'push', 'stream'] as const;
export type WritePath = (typeof WRITE_PATHS)[number];

export const WRITE_USAGE = `usage: node --import tsx tools/bench/write-bench.ts [options]

Builds the API and the ingestor, starts a private Redis, and measures the write throughput
(rows/s) of each write path beside a plain pipelined HSET of the same rows, run right after it
(A B A B ...), then bytes per entity in Redis. Prints a table, writes
reports/bench/write-latest.{json,md}.

  --rows N              rows per measured run (default 200000)
  --rounds K            rounds; each runs every path, then its baseline (default 3)
  --batch N             rows per write batch / push request (default 1000)
  --push-concurrency N  push requests in flight (default 4)
  --api-command-timeout-ms N
                        REDIS_COMMAND_TIMEOUT_MS of the API (default 10000; the API's own
                        default, 100, is a read budget: 1000-row writes can exceed it and 503)
  --loader-format F     csv | jsonl: the file the loader reads (default csv)
  --sample N            hashes sampled with MEMORY USAGE (default 1000)
  --only LIST           paths, comma-separated: ${WRITE_PATHS.join(',')} (default all)
  --cpu-profile         after the rounds, CPU-profile the library write, its baseline, the
                        API under push and the loader, and print the top functions
  --no-build            use the existing dist/ builds
  --out DIR             report folder (default reports/bench)
  -h, --help`;

const WRITE_FLAGS = {
  rows: { kind: 'count' },
  rounds: { kind: 'count' },
  batch: { kind: 'count' },
  'push-concurrency': { kind: 'count' },
  'api-command-timeout-ms': { kind: 'count' },
  'loader-format': { kind: 'text' },
  sample: { kind: 'count' },
  only: { kind: 'list' },
  'cpu-profile': { kind: 'switch' },
  'no-build': { kind: 'switch' },
  out: { kind: 'text' },
} as const satisfies Flags;

export type LoaderFormat = 'csv' | 'jsonl';

export interface WriteOptions {
  readonly rows: number;
  readonly rounds: number;
  readonly batch: number;
  readonly pushConcurrency: number;
  readonly apiCommandTimeoutMs: number;
  readonly loaderFormat: LoaderFormat;
  readonly sample: number;
  readonly paths: readonly WritePath[];
  readonly cpuProfile: boolean;
  readonly build: boolean;
  readonly outDir: string;
}

const isWritePath = (path: string): path is WritePath => (WRITE_PATHS as readonly string[]).includes(path);

export function parseWriteOptions(argv: readonly string[]): Parsed<WriteOptions> {
  const values = parseFlags(WRITE_FLAGS, argv, {});
  if (!values) return { help: true };
  const paths = values.only?.map((path) => {
    if (!isWritePath(path)) throw new UsageError(`--only: unknown path "${path}" (expected ${WRITE_PATHS.join(', ')})`);
    return path;
  });
  const loaderFormat = values['loader-format'] ?? 'csv';
  if (loaderFormat !== 'csv' && loaderFormat !== 'jsonl') throw new UsageError(`--loader-format: expected csv or jsonl, got "${loaderFormat}"`);
  const rows = values.rows ?? 200_000;
  return {
    help: false,
    rows,
    rounds: values.rounds ?? 3,
    batch: values.batch ?? 1_000,
    pushConcurrency: values['push-concurrency'] ?? 4,
    apiCommandTimeoutMs: values['api-command-timeout-ms'] ?? 10_000,
    loaderFormat,
    sample: Math.min(rows, values.sample ?? 1_000),
    paths: paths ?? WRITE_PATHS,
    cpuProfile: values['cpu-profile'] ?? false,
    build: !(values['no-build'] ?? false),
    outDir: values.out ?? 'reports/bench',
  };
}

// ---- cluster-bench.ts ----

export const CLUSTER_USAGE = `usage: node --import tsx tools/bench/cluster-bench.ts [options]

Seeds a private single Redis and a private local cluster (3 masters x 1 replica), then measures
the library's batch-100 reads and writes on both, round after round; prints operations/s, p50 and
p99 per case and writes reports/bench/cluster-<time>.json.

  --seconds N     seconds per measured case (default 5)
  --rounds N      rounds (default 3)
  --in-flight N   library calls in flight (default 16)
  --users N       users seeded on each topology (default 100000)
  -h, --help`;

const CLUSTER_FLAGS = {
  seconds: { kind: 'count' },
  rounds: { kind: 'count' },
  'in-flight': { kind: 'count' },
  users: { kind: 'count' },
} as const satisfies Flags;

export interface ClusterOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly inFlight: number;
  readonly users: number;
}

export function parseClusterOptions(argv: readonly string[]): Parsed<ClusterOptions> {
  const values = parseFlags(CLUSTER_FLAGS, argv, {});
  if (!values) return { help: true };
  return {
    help: false,
    seconds: values.seconds ?? 5,
    rounds: values.rounds ?? 3,
    inFlight: values['in-flight'] ?? 16,
    users: values.users ?? 100_000,
  };
}

// ---- soak.ts and faults.ts ----

export const SOAK_WINDOW_S = 10;

export const SOAK_USAGE = 'usage: soak.ts [--duration S >= 10] [--load 0 < f <= 1] [--route single|batch] [--no-build]';

const SOAK_FLAGS = {
  duration: { kind: 'text' },
  load: { kind: 'text' },
  route: { kind: 'text' },
  'no-build': { kind: 'switch' },
} as const satisfies Flags;

export interface SoakOptions {
  readonly durationS: number;
  /** The fraction of the measured maximum to soak at. */
  readonly load: number;
  readonly route: 'single' | 'batch';
  readonly build: boolean;
}

/** Durations may be fractional; the soak runs whole windows of SOAK_WINDOW_S seconds. */
export function parseSoakOptions(argv: readonly string[]): Parsed<SoakOptions> {
  const values = parseFlags(SOAK_FLAGS, argv, {});
  if (!values) return { help: true };
  const durationS = Number(values.duration ?? '60');
  const load = Number(values.load ?? '0.8');
  const route = values.route ?? 'single';
  if (!(durationS >= SOAK_WINDOW_S) || !(load > 0 && load <= 1) || (route !== 'single' && route !== 'batch')) throw new UsageError(SOAK_USAGE);
  return { help: false, durationS, load, route, build: !(values['no-build'] ?? false) };
}

export const FAULTS_USAGE = 'usage: faults.ts [--no-build]';

export function parseFaultsOptions(argv: readonly string[]): Parsed<{ readonly build: boolean }> {
  const values = parseFlags({ 'no-build': { kind: 'switch' } } as const, argv, {});
  return values ? { help: false, build: !(values['no-build'] ?? false) } : { help: true };
}

export const HOSTILE_USAGE = 'usage: hostile.ts [--connections N (2000)] [--body-bytes N (524288)] [--stall S (20)] [--no-build]';

export interface HostileOptions {
  /** Connections that send part of a body and stall. */
  readonly connections: number;
  /** Bytes of the body each sends before stalling. */
  readonly bodyBytes: number;
  /** Seconds Redis is paused. */
  readonly stallS: number;
  readonly build: boolean;
}

export function parseHostileOptions(argv: readonly string[]): Parsed<HostileOptions> {
  const values = parseFlags(
    { connections: { kind: 'text' }, 'body-bytes': { kind: 'text' }, stall: { kind: 'text' }, 'no-build': { kind: 'switch' } } as const,
    argv,
    {},
  );
  if (!values) return { help: true };
  const connections = Number(values.connections ?? '2000');
  const bodyBytes = Number(values['body-bytes'] ?? '524288');
  const stallS = Number(values.stall ?? '20');
  if (![connections, bodyBytes, stallS].every((value) => Number.isSafeInteger(value) && value > 0)) throw new UsageError(HOSTILE_USAGE);
  return { help: false, connections, bodyBytes, stallS, build: !(values['no-build'] ?? false) };
}

// ---- client-bench.ts ----

export const CLIENT_CASES = ['get', 'getMany'] as const;
export type ClientCase = (typeof CLIENT_CASES)[number];

export const CLIENT_USAGE = `usage: node --import tsx tools/bench/client-bench.ts [options]

Starts a private Redis seeded with users and the API (production build), then measures the
round trip of @feature-store/client against raw fetch to the same route, in pairs (one call of
each, in random order, one pair after another) so that both see the same moment of the machine.
Prints latency per case and the client's overhead (target: at most 10%), writes
reports/bench/client-latest.{json,md}.

  --seconds N     seconds per round and case (default 5)
  --rounds N      rounds (default 3)
  --batch N       ids per getMany (default 100)
  --users N       users seeded (default 10000)
  --only LIST     cases, comma-separated: ${CLIENT_CASES.join(',')} (default all)
  --no-build      use the existing dist/ build of the API
  --out DIR       report folder (default reports/bench)
  -h, --help`;

const CLIENT_FLAGS = {
  seconds: { kind: 'count' },
  rounds: { kind: 'count' },
  batch: { kind: 'count' },
  users: { kind: 'count' },
  only: { kind: 'list' },
  'no-build': { kind: 'switch' },
  out: { kind: 'text' },
} as const satisfies Flags;

export interface ClientBenchOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly batch: number;
  readonly users: number;
  readonly cases: readonly ClientCase[];
  readonly build: boolean;
  readonly outDir: string;
}

const isClientCase = (name: string): name is ClientCase => (CLIENT_CASES as readonly string[]).includes(name);

export function parseClientBenchOptions(argv: readonly string[]): Parsed<ClientBenchOptions> {
  const values = parseFlags(CLIENT_FLAGS, argv, {});
  if (!values) return { help: true };
  const cases = values.only?.map((name) => {
    if (!isClientCase(name)) throw new UsageError(`--only: unknown case "${name}" (expected ${CLIENT_CASES.join(', ')})`);
    return name;
  });
  const users = values.users ?? 10_000;
  const batch = values.batch ?? 100;
  if (batch > users) throw new UsageError(`--batch: at most --users (${users}), got ${batch}`);
  return {
    help: false,
    seconds: values.seconds ?? 5,
    rounds: values.rounds ?? 3,
    batch,
    users,
    cases: cases ?? CLIENT_CASES,
    build: !(values['no-build'] ?? false),
    outDir: values.out ?? 'reports/bench',
  };
}
