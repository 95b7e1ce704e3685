// The two systems under load: the API as built for production and the reference server. Both
// listen on 127.0.0.1 on free ports and read the same Redis.
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitUntil } from './processes.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const API_MAIN = 'dist/apps/api/apps/api/src/main.js';
const REFERENCE_MAIN = fileURLToPath(new URL('../reference-server.mjs', import.meta.url));
const FLOOR_MAIN = fileURLToPath(new URL('../floor-server.mjs', import.meta.url));
const PROFILE_PRELOAD = fileURLToPath(new URL('../cpu-profile-preload.cjs', import.meta.url));

/**
 * Starts one server and resolves once GET /health answers 200.
 * @param profileDir when set, the server can be CPU-profiled on demand (see cpu-profile-preload.cjs)
 */
async function startServer(label, script, { redisUrl, env = {}, profileDir }) {
  const port = await freePort();
  const nodeArgs = profileDir ? ['--require', PROFILE_PRELOAD] : [];
  const handle = await startProcess(label, process.execPath, [...nodeArgs, script], {
    cwd: ROOT,
    env: { PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redisUrl, BENCH_PROFILE_DIR: profileDir ?? '', ...env },
    quiet: true,
    ipc: Boolean(profileDir),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(`${label} to answer GET /health`, () => healthy(url), { handle, timeoutMs: 30_000 });
  return { label, url, handle };
}

async function healthy(url) {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    return response.status === 200;
  } catch {
    return false; // not listening yet: waitUntil tries again until its deadline
  }
}

/**
 * @param env further variables (API keys, push limits ...)
 * @param main the API's entry point (default: the build in dist/)
 */
export function startApi(redisUrl, { batchMaxIds, workers = 1, profileDir, env: extra = {}, main = API_MAIN } = {}) {
  // The seed layout has no namespace, whatever the caller's environment says.
  const env = {
    REGISTRY_PATH: 'registry/features.yaml',
    KEY_NAMESPACE: undefined,
    API_WORKERS: String(workers),
    ...(batchMaxIds ? { BATCH_MAX_IDS: String(batchMaxIds) } : {}),
    ...extra,
  };
  return startServer('api', main, { redisUrl, env, profileDir });
}

export function startReference(redisUrl, { profileDir } = {}) {
  return startServer('reference', REFERENCE_MAIN, { redisUrl, profileDir });
}

/** The bare HTTP server whose latency is the machine's floor under the fixed-rate cases. */
export function startFloor() {
  return startServer('floor', FLOOR_MAIN, {});
}

async function call(server, request) {
  const response = await fetch(`${server.url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return { status: response.status, body: await response.json() };
}

/**
 * Sends the same requests to both servers and lists every difference of status or body (the
 * reference must serve exactly what the API serves, or the comparison means nothing). The 404
 * bodies differ by design: the API adds a "code".
 */
export async function compareResponses(api, reference, requests) {
  const differences = [];
  for (const request of requests) {
    const [a, b] = await Promise.all([call(api, request), call(reference, request)]);
    const sameBody = a.status === 404 ? a.body.detail === b.body.detail : isDeepStrictEqual(a.body, b.body);
    if (a.status !== b.status || !sameBody) {
      const shown = (answer) => `${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
      differences.push(`${request.method} ${request.path}: api ${shown(a)} / reference ${shown(b)}`);
    }
  }
  return differences;
}

/**
 * Starts ('start') or stops ('stop') the CPU profiler of a server started with `profileDir`
 * (see cpu-profile-preload.cjs); 'stop' resolves with the path of the profile written.
 */
export function profiler(server, command, timeoutMs = 15_000) {
  const { child } = server.handle;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${server.label}: no answer to profiler ${command}`)), timeoutMs);
    const onMessage = (message) => {
      if (message?.benchProfile === 'failed') finish(new Error(`${server.label}: profiler ${command}: ${message.error}`));
      else if (message?.benchProfile) finish(null, message.path);
    };
    const finish = (error, path) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      if (error) reject(error);
      else resolve(path);
    };
    child.on('message', onMessage);
    child.send({ benchProfile: command });
  });
}
