// Open-loop load at a fixed rate, evenly spaced: request k is due at start + k / rate, whether or
// not earlier answers have arrived (over a keep-alive pool of `connections` sockets).
//
// Why not autocannon's overallRate/connectionRate: each of its connections sends its quota for the
// second back to back and then idles until the next second, so the requests of a second arrive as
// one burst at its start, and the latency measured is that of the burst, not of light load. wrk
// has no rate mode either (wrk2 does).
import { Agent, request as httpRequest } from 'node:http';
import type { BenchRequest } from '../scenarios';
import { LatencyRecorder } from '../stats';
import type { LoadResult } from './load-result';

const TICK_MS = 1;

export interface PacedLoad {
  readonly url: string;
  readonly nextRequest: () => BenchRequest;
  readonly rate: number;
  readonly connections: number;
  readonly durationS: number;
}

/**
 * Latency runs from the moment the request is handed to the socket pool, so time spent waiting for
 * a free socket counts. `lagMs` (p99 and max of how late requests left against their due time)
 * says whether the generator itself kept up: when it is large, the run is not a fixed-rate run.
 */
export function runPaced({ url, nextRequest, rate, connections, durationS }: PacedLoad): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(url);
  const latency = new LatencyRecorder();
  const lag = new LatencyRecorder();
  const totalDue = Math.round(rate * durationS);
  let sent = 0;
  let finished = 0;
  let ok = 0;
  let non2xx = 0;
  const failedStatuses: Record<string, number> = {};
  let errors = 0;
  const start = performance.now();

  return new Promise((resolve) => {
    const complete = () => {
      finished += 1;
      if (sent === totalDue && finished === totalDue) {
        agent.destroy();
        const durationSeconds = (performance.now() - start) / 1000;
        const lagSummary = lag.summary();
        resolve({
          tool: 'paced',
          targetRps: rate,
          rps: ok / durationSeconds,
          requests: ok,
          durationS: durationSeconds,
          errors,
          non2xx,
          failedStatuses,
          latency: latency.summary(),
          lagMs: { p99: lagSummary.p99, max: lagSummary.max },
        });
      }
    };

    const send = (dueAt: number) => {
      const next = nextRequest();
      const began = performance.now();
      lag.record(began - dueAt);
      const req = httpRequest({ agent, hostname, port, method: next.method, path: next.path, headers: next.headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            ok += 1;
            latency.record(performance.now() - began);
          } else {
            non2xx += 1;
            failedStatuses[status] = (failedStatuses[status] ?? 0) + 1;
          }
          complete();
        });
      });
      req.on('error', () => {
        errors += 1;
        complete();
      });
      req.end(next.body);
    };

    const tick = () => {
      const elapsed = performance.now() - start;
      const due = Math.min(totalDue, Math.floor((elapsed / 1000) * rate) + 1);
      while (sent < due) {
        send(start + (sent / rate) * 1000);
        sent += 1;
      }
      if (sent < totalDue) setTimeout(tick, TICK_MS);
    };
    tick();
  });
}
