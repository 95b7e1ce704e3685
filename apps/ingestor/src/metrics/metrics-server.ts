import { type Server, createServer } from 'node:http';
import type { IngestorHealth } from '../app/ingestor-health';
import type { IngestorMetrics } from './ingestor-metrics';

/**
 * Serves GET /metrics (Prometheus text) and GET /health (200 `{"status": "healthy"}`, or 503 with
 * the stalled views) on `port`; anything else is 404.
 */
export async function startMetricsServer(metrics: IngestorMetrics, health: IngestorHealth, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/health') {
      const stalled = health.stalled();
      const body = stalled.length === 0 ? { status: 'healthy' } : { status: 'unhealthy', detail: `stalled views: ${stalled.join(', ')}` };
      response.writeHead(stalled.length === 0 ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not found","code":"NOT_FOUND"}');
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
