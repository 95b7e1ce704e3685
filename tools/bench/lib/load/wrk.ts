// Closed-loop load with wrk (C, far lighter than autocannon on a small machine), driven by
// wrk/random-ids.lua for random ids. wrk measures latency in microseconds.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startProcess } from '../processes';
import type { IdSpace, RequestSpec } from '../scenarios';
import type { LoadResult } from './load-result';

const SCRIPT = join(__dirname, '../../wrk/random-ids.lua');
const WRK = process.env.WRK_BIN ?? 'wrk';

/** The line random-ids.lua prints from its done(): counts, and latencies in µs. */
interface WrkStats {
  readonly requests: number;
  readonly duration_us: number;
  readonly errors: { readonly connect: number; readonly read: number; readonly write: number; readonly timeout: number; readonly status: number };
  readonly latency_us: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number };
}

/** True when a wrk binary answers (the harness then runs the scenarios that list "wrk"). */
export function wrkInstalled(): boolean {
  try {
    execFileSync(WRK, ['-v'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk -v exits 1 after printing its version; only a missing binary is "not installed".
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export interface WrkLoad {
  readonly url: string;
  readonly request: RequestSpec;
  readonly idSpace: IdSpace;
  readonly itemSpace: IdSpace;
  readonly connections: number;
  readonly durationS: number;
  readonly threads?: number;
}

export async function runWrk({ url, request, idSpace, itemSpace, connections, durationS, threads = 1 }: WrkLoad): Promise<LoadResult> {
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
    String(request.batchSize ?? request.rows ?? 1),
    idSpace.prefix,
    String(idSpace.digits),
    String(request.hotIds ?? idSpace.count),
    itemSpace.prefix,
    JSON.stringify(request.features ?? []),
  ];
  const handle = await startProcess('wrk', WRK, args, { quiet: true });
  const { code } = await handle.exited;
  const line = handle
    .output()
    .split('\n')
    .find((text) => text.startsWith('WRK_JSON '));
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${handle.output()}`);
  const stats = JSON.parse(line.slice('WRK_JSON '.length)) as WrkStats;
  const durationSeconds = stats.duration_us / 1e6;
  const { connect, read, write, timeout, status } = stats.errors;
  const ok = stats.requests - status;
  const ms = (us: number) => us / 1000;
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
