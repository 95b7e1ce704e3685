// Closed-loop load with wrk (C, far lighter than autocannon on a small machine), driven by
// wrk/random-ids.lua for random ids. wrk measures latency in microseconds.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startProcess } from '../processes.mjs';

const SCRIPT = fileURLToPath(new URL('../../wrk/random-ids.lua', import.meta.url));
const WRK = process.env.WRK_BIN ?? 'wrk';

/** True when a wrk binary answers (the harness then runs the scenarios that list "wrk"). */
export function wrkInstalled() {
  try {
    execFileSync(WRK, ['-v'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk -v exits 1 after printing its version; only a missing binary is "not installed".
    return error.code !== 'ENOENT';
  }
}

/**
 * @param request a scenario's request block ({ route, batchSize? })
 * @returns the same shape as runAutocannon
 */
export async function runWrk({ url, request, idSpace, connections, durationS, threads = 1 }) {
  const args = [
    `-t${Math.min(threads, connections)}`,
    `-c${connections}`,
    `-d${durationS}s`,
    '--timeout',
    '5s',
    '-s',
    SCRIPT,
    url,
    '--',
    request.route,
    String(request.batchSize ?? 1),
    idSpace.prefix,
    String(idSpace.digits),
    String(idSpace.count),
  ];
  const handle = await startProcess('wrk', WRK, args, { quiet: true });
  const { code } = await handle.exited;
  const line = handle
    .output()
    .split('\n')
    .find((text) => text.startsWith('WRK_JSON '));
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${handle.output()}`);
  const stats = JSON.parse(line.slice('WRK_JSON '.length));
  const durationSeconds = stats.duration_us / 1e6;
  const { connect, read, write, timeout, status } = stats.errors;
  const ok = stats.requests - status;
  const ms = (us) => us / 1000;
  return {
    tool: 'wrk',
    rps: ok / durationSeconds,
    requests: ok,
    durationS: durationSeconds,
    errors: connect + read + write + timeout,
    non2xx: status,
    latency: {
      p50: ms(stats.latency_us.p50),
      p90: ms(stats.latency_us.p90),
      p99: ms(stats.latency_us.p99),
      max: ms(stats.latency_us.max),
      mean: ms(stats.latency_us.mean),
    },
  };
}
