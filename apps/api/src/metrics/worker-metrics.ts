import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** IPC between a worker and the primary (API_WORKERS > 1) for GET /metrics. */
export const METRICS_MESSAGE = 'feature-store:metrics';
export interface MetricsRequest {
  readonly type: typeof METRICS_MESSAGE;
  readonly id: string;
}
export type MetricsReply = MetricsRequest & ({ readonly text: string } | { readonly error: string });

/** How long a worker waits for the primary's sum (prom-client waits 5 s for each worker). */
const REPLY_TIMEOUT_MS = 6_000;

/**
 * In a worker: lets the primary collect `registry`, and returns the scrape that asks the primary
 * for every worker's metrics summed, so that any worker answers GET /metrics for the whole API.
 */
export function workerScrape(registry: Registry): () => Promise<string> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('metrics of the workers: this process is no worker (it has no IPC channel)');
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's answer to the primary's collection requests.
  new AggregatorRegistry();
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = randomUUID();
      const onMessage = (message: MetricsReply) => {
        if (message?.type !== METRICS_MESSAGE || message.id !== id) return;
        settle();
        if ('text' in message) resolve(message.text);
        else reject(new Error(`metrics of the workers: ${message.error}`));
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`metrics of the workers: no answer from the primary in ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      const settle = () => {
        clearTimeout(timer);
        process.off('message', onMessage);
      };
      process.on('message', onMessage);
      send({ type: METRICS_MESSAGE, id } satisfies MetricsRequest);
    });
}
