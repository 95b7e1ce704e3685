// The systems under load: the API as built for production, the reference server and the floor
// server. They listen on 127.0.0.1 on free ports and read the same Redis.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import ts from 'typescript';
import { type ProcessHandle, TS_NODE_ARGS, freePort, startProcess, waitUntil } from './processes';
import { type BenchRequest, SCENARIOS_REGISTRY } from './scenarios';

const ROOT = join(__dirname, '../../..');
export const API_MAIN = 'dist/apps/api/apps/api/src/main.js';
const REFERENCE_MAIN = join(__dirname, '../reference-server.ts');
const FLOOR_MAIN = join(__dirname, '../floor-server.ts');
const PROFILE_PRELOAD_SOURCE = join(__dirname, '../cpu-profile-preload.ts');

export interface Server {
  readonly label: string;
  readonly url: string;
  readonly handle: ProcessHandle;
}

let profilePreload: string | undefined;

/**
 * cpu-profile-preload.ts as JavaScript, compiled once per run: it is preloaded into the API's
 * production build, which runs without a TypeScript loader and must not get one for a profile (it
 * would change the process being measured).
 */
function profilePreloadScript(): string {
  if (profilePreload === undefined) {
    const { outputText } = ts.transpileModule(readFileSync(PROFILE_PRELOAD_SOURCE, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      fileName: PROFILE_PRELOAD_SOURCE,
    });
    const dir = mkdtempSync(join(tmpdir(), 'fs-bench-preload-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    profilePreload = join(dir, 'cpu-profile-preload.cjs');
    writeFileSync(profilePreload, outputText);
  }
  return profilePreload;
}

interface ServerOptions {
  readonly redisUrl?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** When set, the server can be CPU-profiled on demand (see cpu-profile-preload.ts). */
  readonly profileDir?: string;
  /** Node arguments before the script (the TypeScript loader for the bench's own servers). */
  readonly nodeArgs?: readonly string[];
}

/** Starts one server and resolves once GET /health answers 200. */
async function startServer(label: string, script: string, { redisUrl, env = {}, profileDir, nodeArgs = [] }: ServerOptions): Promise<Server> {
  const port = await freePort();
  const preload = profileDir ? ['--require', profilePreloadScript()] : [];
  const handle = await startProcess(label, process.execPath, [...nodeArgs, ...preload, script], {
    cwd: ROOT,
    env: { PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redisUrl, BENCH_PROFILE_DIR: profileDir ?? '', ...env },
    quiet: true,
    ipc: Boolean(profileDir),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(`${label} to answer GET /health`, () => healthy(url), { handle, timeoutMs: 30_000 });
  return { label, url, handle };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    return response.status === 200;
  } catch {
    return false; // not listening yet: waitUntil tries again until its deadline
  }
}

export interface ApiOptions {
  readonly batchMaxIds?: number;
  readonly workers?: number;
  readonly profileDir?: string;
  /** Further variables (API keys, push limits ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** The API's entry point (default: the build in dist/). */
  readonly main?: string;
  /** Its name in logs and reports (default "api"). */
  readonly label?: string;
}

export function startApi(
  redisUrl: string,
  { batchMaxIds, workers = 1, profileDir, env: extra = {}, main = API_MAIN, label = 'api' }: ApiOptions = {},
): Promise<Server> {
  // The seed layout has no namespace, whatever the caller's environment says.
  const env = {
    REGISTRY_PATH: SCENARIOS_REGISTRY,
    KEY_NAMESPACE: undefined,
    API_WORKERS: String(workers),
    ...(batchMaxIds ? { BATCH_MAX_IDS: String(batchMaxIds) } : {}),
    ...extra,
  };
  return startServer(label, main, { redisUrl, env, profileDir });
}

export function startReference(redisUrl: string, { profileDir }: { readonly profileDir?: string } = {}): Promise<Server> {
  return startServer('reference', REFERENCE_MAIN, { redisUrl, profileDir, nodeArgs: TS_NODE_ARGS });
}

/** The bare HTTP server whose latency is the machine's floor under the fixed-rate cases. */
export function startFloor(): Promise<Server> {
  return startServer('floor', FLOOR_MAIN, { nodeArgs: TS_NODE_ARGS });
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

async function call(server: Server, request: BenchRequest): Promise<Answer> {
  const response = await fetch(`${server.url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return { status: response.status, body: await response.json() };
}

const detail = (body: unknown) => (typeof body === 'object' && body !== null && 'detail' in body ? body.detail : undefined);

/**
 * Sends the same requests to both servers and lists every difference of status or body (the
 * reference must serve exactly what the API serves, or the comparison means nothing). The 404
 * bodies differ by design: the API adds a "code".
 */
export async function compareResponses(api: Server, reference: Server, requests: readonly BenchRequest[]): Promise<string[]> {
  const differences: string[] = [];
  for (const request of requests) {
    const [a, b] = await Promise.all([call(api, request), call(reference, request)]);
    const sameBody = a.status === 404 ? detail(a.body) === detail(b.body) : isDeepStrictEqual(a.body, b.body);
    if (a.status !== b.status || !sameBody) {
      const shown = (answer: Answer) => `${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
      differences.push(`${request.method} ${request.path}: ${api.label} ${shown(a)} / ${reference.label} ${shown(b)}`);
    }
  }
  return differences;
}

/** What cpu-profile-preload.ts answers. */
type ProfilerReply = { benchProfile: 'started' } | { benchProfile: 'written'; path: string } | { benchProfile: 'failed'; error: string };

/**
 * Starts ('start') or stops ('stop') the CPU profiler of a server started with `profileDir`
 * (see cpu-profile-preload.ts); 'stop' resolves with the path of the profile written.
 */
export function profiler(server: Server, command: 'start' | 'stop', timeoutMs = 15_000): Promise<string | undefined> {
  const { child } = server.handle;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${server.label}: no answer to profiler ${command}`)), timeoutMs);
    const onMessage = (message: ProfilerReply | undefined) => {
      if (message?.benchProfile === 'failed') finish(new Error(`${server.label}: profiler ${command}: ${message.error}`));
      else if (message?.benchProfile) finish(null, message.benchProfile === 'written' ? message.path : undefined);
    };
    const finish = (error: Error | null, path?: string) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      if (error) reject(error);
      else resolve(path);
    };
    child.on('message', onMessage);
    child.send({ benchProfile: command });
  });
}
