// Closed-loop load with autocannon: `connections` connections, each sending its next request
// when the previous answer arrives, with fresh random ids per request (setupRequest).
import autocannon from 'autocannon';
import type { BenchRequest } from '../scenarios';
import { LatencyRecorder } from '../stats';
import type { LoadResult } from './load-result';

export interface AutocannonLoad {
  readonly url: string;
  readonly nextRequest: () => BenchRequest;
  readonly connections: number;
  readonly durationS: number;
}

export async function runAutocannon({ url, nextRequest, connections, durationS }: AutocannonLoad): Promise<LoadResult> {
  const latency = new LatencyRecorder();
  let ok = 0;
  const failedStatuses: Record<string, number> = {};
  const instance = autocannon({
    url,
    connections,
    duration: durationS,
    // Latencies are recorded below at full precision; autocannon's own are whole milliseconds.
    requests: [{ setupRequest: (request) => ({ ...request, ...nextRequest() }) }],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) {
      ok += 1;
      latency.record(responseTimeMs);
    } else {
      failedStatuses[statusCode] = (failedStatuses[statusCode] ?? 0) + 1;
    }
  });
  const result = await instance;
  return {
    tool: 'autocannon',
    rps: ok / result.duration,
    requests: ok,
    durationS: result.duration,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    failedStatuses,
    latency: latency.summary(),
  };
}
