// Closed-loop load with autocannon: `connections` connections, each sending its next request
// when the previous answer arrives, with fresh random ids per request (setupRequest).
import autocannon from 'autocannon';
import { LatencyRecorder } from '../stats.mjs';

/**
 * @param nextRequest () => { method, path, headers?, body? }
 * @returns { tool, rps, requests, durationS, errors, non2xx, failedStatuses: { [status]: count },
 *   latency: { p50, p90, p99, max, mean } }
 */
export async function runAutocannon({ url, nextRequest, connections, durationS }) {
  const latency = new LatencyRecorder();
  let ok = 0;
  const failedStatuses = {};
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
