// Reads k6/scenarios.json, the scenario definitions shared with the k6 scripts, and builds the
// requests the local load tools send.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SCENARIOS_PATH = join(__dirname, '../../../k6/scenarios.json');
/** The registry the scenarios read (the default registry plus items), relative to the workspace root. */
export const SCENARIOS_REGISTRY = 'registry/examples/load-scenarios.yaml';

/** The local load tools, in the order the harness runs them. */
export const LOAD_TOOLS = ['autocannon', 'wrk', 'paced'] as const;
export type LoadTool = (typeof LOAD_TOOLS)[number];

export interface IdSpace {
  readonly prefix: string;
  readonly digits: number;
  readonly count: number;
}

/** A scenario's request block; the harness sends the read routes: "single", "batch" and "feast". */
export interface RequestSpec {
  readonly route: string;
  readonly batchSize?: number;
  /** "feast": entity rows per request (a user and an item each), and the features read. */
  readonly rows?: number;
  readonly features?: readonly string[];
  /** Ids drawn from the first this many of the id space (a hot set); all of it by default. */
  readonly hotIds?: number;
}

export interface Target {
  readonly p99Ms?: number;
  readonly minThroughputRatio?: number;
  /** Throughput of the API with its near-cache over the API without, same run. */
  readonly minNearCacheRatio?: number;
}

export interface Scenario {
  readonly description?: string;
  readonly request?: RequestSpec;
  readonly load: { readonly connections: number; readonly rate?: number };
  readonly harness?: readonly string[];
  /** The API with its near-cache on (registry/examples/near-cache.yaml) runs this case too. */
  readonly nearCache?: boolean;
  readonly target?: Target;
}

/** A scenario the local harness runs: one with a request block. */
export type HarnessScenario = Scenario & { readonly request: RequestSpec };

export const isHarnessScenario = (scenario: Scenario): scenario is HarnessScenario => scenario.request !== undefined;

export interface Profile {
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly rounds: number;
}

export interface ScenarioFile {
  readonly idSpace: IdSpace;
  /** The items of the Feast-style scenario (registry/examples/load-scenarios.yaml). */
  readonly itemSpace: IdSpace;
  readonly profiles: Readonly<Record<string, Profile>>;
  readonly routes: Readonly<Record<string, { readonly method: string; readonly path: string }>>;
  readonly scenarios: Readonly<Record<string, Scenario>>;
}

/** One request as the load tools send it. */
export interface BenchRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The parsed scenario file; throws naming the file when it is not valid JSON. */
export function loadScenarioFile(path = SCENARIOS_PATH): ScenarioFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ScenarioFile;
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** A random id of the seeded id space ("user00000" .. "user99999" for the default file), or of its first `count`. */
export function idGenerator({ prefix, digits, count: all }: IdSpace, count = all): () => string {
  return () => `${prefix}${String(Math.floor(Math.random() * count)).padStart(digits, '0')}`;
}

/** A function returning the next request of `request` (a scenario's request block), with fresh random ids each call. */
export function requestFactory(file: ScenarioFile, request: RequestSpec): () => BenchRequest {
  const route = file.routes[request.route];
  if (!route) throw new Error(`unknown route "${request.route}" in ${SCENARIOS_PATH}`);
  const nextId = idGenerator(file.idSpace, request.hotIds);
  switch (request.route) {
    case 'single':
      return () => ({ method: route.method, path: route.path.replace('{id}', nextId()) });
    case 'batch': {
      const headers = { 'content-type': 'application/json' };
      return () => {
        const userIds = Array.from({ length: request.batchSize ?? 0 }, nextId);
        return { method: route.method, path: route.path, headers, body: JSON.stringify({ user_ids: userIds }) };
      };
    }
    case 'feast': {
      const headers = { 'content-type': 'application/json' };
      const nextItem = idGenerator(file.itemSpace);
      const rows = request.rows ?? 0;
      return () => {
        const entities = { user_id: Array.from({ length: rows }, nextId), item_id: Array.from({ length: rows }, nextItem) };
        return { method: route.method, path: route.path, headers, body: JSON.stringify({ entities, features: request.features }) };
      };
    }
    default:
      throw new Error(`route "${request.route}" is not run by the local harness (k6 only)`);
  }
}
