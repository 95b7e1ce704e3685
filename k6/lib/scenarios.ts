// Turns k6/scenarios.json (shared with the local harness, tools/bench) into k6 options and requests.
// Every k6 script reads the file itself with open('./scenarios.json') (a path relative to the
// script) and picks its scenarios by name; the k6 scenario name is the scenarios.json name.
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import type { Options, Scenario } from 'k6/options';

export interface IdSpace {
  readonly prefix: string;
  readonly digits: number;
  readonly count: number;
}

export type RequestSpec =
  // hotIds: ids drawn from the first that many of the id space (a hot set); the whole space by default.
  | { readonly route: 'single'; readonly hotIds?: number }
  | { readonly route: 'batch'; readonly batchSize: number; readonly hotIds?: number }
  | { readonly route: 'push'; readonly view: string; readonly rows: number }
  | { readonly route: 'feast'; readonly rows: number; readonly features: readonly string[] };

export interface Target {
  /** The 99th percentile of request durations stays at or below this. */
  readonly p99Ms?: number;
  /** Throughput at least this multiple of the reference server's (see k6/README.md). */
  readonly minThroughputRatio?: number;
  /** The local harness only: the API with its near-cache, this multiple of the API without (one k6 run sees one server). */
  readonly minNearCacheRatio?: number;
}

export interface MixPart {
  readonly name: string;
  readonly share: number;
  readonly request: RequestSpec;
  readonly target?: Target;
}

export interface ScenarioSpec {
  readonly description: string;
  readonly request?: RequestSpec;
  readonly mix?: readonly MixPart[];
  /** Closed loop: `connections` only. Open loop: `rate` (requests/s) over up to `connections` VUs. */
  readonly load: { readonly connections: number; readonly rate?: number };
  readonly harness: readonly string[];
  /** The local harness also runs the API with its near-cache on (k6 reads whichever BASE_URL serves). */
  readonly nearCache?: boolean;
  readonly target?: Target;
}

export interface Profile {
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly rounds: number;
}

export interface ScenarioFile {
  readonly idSpace: IdSpace;
  /** The items of the Feast-style scenario (registry/examples/load-scenarios.yaml). */
  readonly itemSpace: IdSpace;
  readonly maxErrorRate: number;
  readonly profiles: Readonly<Record<string, Profile>>;
  readonly routes: Readonly<Record<string, { readonly method: string; readonly path: string; readonly apiKeyHeader?: string }>>;
  readonly scenarios: Readonly<Record<string, ScenarioSpec>>;
}

/** Environment variables the scripts read (k6 run -e NAME=value). */
export interface Settings {
  /** BASE_URL, default http://127.0.0.1:8000 */
  readonly baseUrl: string;
  /** PROFILE: a profile of scenarios.json, default "default" (its durationSeconds per scenario) */
  readonly profile: string;
  /** DURATION: a k6 duration ("30s", "2m") overriding the profile's, per scenario */
  readonly duration?: string;
  /** API_KEY: sent as x-api-key by pushes */
  readonly apiKey?: string;
  /**
   * REFERENCE_RPS: JSON {"<scenario>": requests/s of the reference server}, e.g. from
   * reports/bench/latest.json; adds a request-count threshold for each minThroughputRatio target.
   */
  readonly referenceRps: Readonly<Record<string, number>>;
}

export function readSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  return {
    baseUrl: (env['BASE_URL'] ?? 'http://127.0.0.1:8000').replace(/\/$/, ''),
    profile: env['PROFILE'] ?? 'default',
    duration: env['DURATION'],
    apiKey: env['API_KEY'],
    referenceRps: env['REFERENCE_RPS'] ? (JSON.parse(env['REFERENCE_RPS']) as Record<string, number>) : {},
  };
}

export function parseScenarioFile(text: string): ScenarioFile {
  const file = JSON.parse(text) as ScenarioFile;
  for (const [name, scenario] of Object.entries(file.scenarios)) {
    if (!scenario.request === !scenario.mix) throw new Error(`scenario ${name}: give either "request" or "mix"`);
  }
  return file;
}

/** Seconds a scenario may run past its duration to finish requests under way. */
const GRACEFUL_STOP_S = 5;

function seconds(duration: string): number {
  const match = /^(\d+)(s|m)$/.exec(duration);
  if (!match) throw new Error(`DURATION: expected "<n>s" or "<n>m", got "${duration}"`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

function thresholdsOf(file: ScenarioFile, name: string, spec: ScenarioSpec, durationS: number, settings: Settings) {
  const thresholds: Record<string, string[]> = {
    [`http_req_failed{scenario:${name}}`]: [`rate<${file.maxErrorRate}`],
    [`checks{scenario:${name}}`]: [`rate>${1 - file.maxErrorRate}`],
  };
  if (spec.target?.p99Ms !== undefined) thresholds[`http_req_duration{scenario:${name}}`] = [`p(99)<=${spec.target.p99Ms}`];
  const referenceRps = settings.referenceRps[name];
  if (spec.target?.minThroughputRatio !== undefined && referenceRps !== undefined) {
    // A Counter's rate is over the whole test, not the scenario: compare counts instead.
    thresholds[`http_reqs{scenario:${name}}`] = [`count>=${Math.floor(spec.target.minThroughputRatio * referenceRps * durationS)}`];
  }
  for (const part of spec.mix ?? []) {
    if (part.target?.p99Ms !== undefined) thresholds[`http_req_duration{part:${part.name}}`] = [`p(99)<=${part.target.p99Ms}`];
  }
  return thresholds;
}

function executorOf(spec: ScenarioSpec, duration: string, startTime: string): Scenario {
  const common = { startTime, gracefulStop: `${GRACEFUL_STOP_S}s` };
  if (spec.load.rate === undefined) return { ...common, executor: 'constant-vus', vus: spec.load.connections, duration };
  return {
    ...common,
    executor: 'constant-arrival-rate',
    rate: spec.load.rate,
    timeUnit: '1s',
    duration,
    preAllocatedVUs: spec.load.connections,
    maxVUs: spec.load.connections * 4,
  };
}

/**
 * k6 options running the named scenarios one after another (each starts when the previous one has
 * stopped), with thresholds encoding their targets.
 */
export function buildOptions(file: ScenarioFile, names: readonly string[], settings: Settings): Options {
  const profile = file.profiles[settings.profile];
  if (!profile) throw new Error(`PROFILE: expected one of ${Object.keys(file.profiles).join(', ')}, got "${settings.profile}"`);
  const duration = settings.duration ?? `${profile.durationSeconds}s`;
  const durationS = seconds(duration);
  const scenarios: Record<string, Scenario> = {};
  let thresholds: Record<string, string[]> = {};
  names.forEach((name, index) => {
    const spec = file.scenarios[name];
    if (!spec) throw new Error(`no scenario "${name}" in scenarios.json`);
    scenarios[name] = executorOf(spec, duration, `${index * (durationS + GRACEFUL_STOP_S)}s`);
    thresholds = { ...thresholds, ...thresholdsOf(file, name, spec, durationS, settings) };
  });
  return { scenarios, thresholds, summaryTrendStats: ['avg', 'med', 'p(90)', 'p(99)', 'max'] };
}

/** A random id of the first `count` ids of the space (all of them by default). */
function randomId(idSpace: IdSpace, count = idSpace.count): string {
  return `${idSpace.prefix}${String(Math.floor(Math.random() * count)).padStart(idSpace.digits, '0')}`;
}

const CATEGORIES = ['books', 'electronics', 'fashion', 'home', 'sports', 'toys', 'grocery', 'beauty'];
const GENDERS = ['M', 'F', 'O'];
const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)] as T;
const intBetween = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1));

/** A row of the default registry's user_features view. */
function userFeaturesRow(id: string) {
  return {
    id,
    event_ts: new Date().toISOString(),
    features: {
      age: intBetween(18, 80),
      gender: pick(GENDERS),
      purchase_count_30d: intBetween(0, 50),
      avg_session_duration_min: Math.round((1 + Math.random() * 59) * 100) / 100,
      preferred_category: pick(CATEGORIES),
    },
  };
}

type Response = RefinedResponse<ResponseType | undefined>;

/** Sends one request of `request` with fresh random ids and checks its answer. */
export function send(file: ScenarioFile, request: RequestSpec, settings: Settings, tags: Record<string, string> = {}): Response {
  const route = file.routes[request.route];
  if (!route) throw new Error(`no route "${request.route}" in scenarios.json`);
  const url = settings.baseUrl + route.path;
  switch (request.route) {
    case 'single': {
      const response = http.get(url.replace('{id}', randomId(file.idSpace, request.hotIds)), { tags: { ...tags, name: 'GET /features/{id}' } });
      check(response, { 'single: 200': (r) => r.status === 200 });
      return response;
    }
    case 'batch': {
      const ids = Array.from({ length: request.batchSize }, () => randomId(file.idSpace, request.hotIds));
      const response = http.post(url, JSON.stringify({ user_ids: ids }), {
        headers: { 'content-type': 'application/json' },
        tags: { ...tags, name: 'POST /features/batch' },
      });
      check(response, {
        'batch: 200': (r) => r.status === 200,
        'batch: one entry per id': (r) => {
          const body = r.json();
          return Array.isArray(body) && body.length === ids.length;
        },
      });
      return response;
    }
    case 'feast': {
      const body = {
        entities: {
          user_id: Array.from({ length: request.rows }, () => randomId(file.idSpace)),
          item_id: Array.from({ length: request.rows }, () => randomId(file.itemSpace)),
        },
        features: request.features,
      };
      const response = http.post(url, JSON.stringify(body), {
        headers: { 'content-type': 'application/json' },
        tags: { ...tags, name: 'POST /get-online-features' },
      });
      check(response, {
        'feast: 200': (r) => r.status === 200,
        'feast: one column per join key and feature': (r) => {
          const results = (r.json() as { results?: unknown[] } | null)?.results;
          return Array.isArray(results) && results.length === 2 + request.features.length;
        },
      });
      return response;
    }
    case 'push': {
      if (!settings.apiKey) exec.test.abort('push scenarios need API_KEY (k6 run -e API_KEY=...)');
      const rows = Array.from({ length: request.rows }, () => userFeaturesRow(randomId(file.idSpace)));
      const response = http.post(url.replace('{view}', request.view), JSON.stringify({ rows }), {
        headers: { 'content-type': 'application/json', [route.apiKeyHeader ?? 'x-api-key']: settings.apiKey ?? '' },
        tags: { ...tags, name: 'POST /v1/push/{view}' },
      });
      check(response, { 'push: 2xx': (r) => r.status >= 200 && r.status < 300 });
      return response;
    }
  }
}

/** One iteration of the running scenario (k6 names the scenario; its spec says what to send). */
export function iterate(file: ScenarioFile, settings: Settings): void {
  const spec = file.scenarios[exec.scenario.name];
  if (!spec) throw new Error(`scenario ${exec.scenario.name} is not in scenarios.json`);
  if (spec.request) {
    send(file, spec.request, settings);
    return;
  }
  const parts = spec.mix ?? [];
  let draw = Math.random() * parts.reduce((sum, part) => sum + part.share, 0);
  const part = parts.find((candidate) => (draw -= candidate.share) < 0) ?? parts[parts.length - 1];
  if (part) send(file, part.request, settings, { part: part.name });
}
