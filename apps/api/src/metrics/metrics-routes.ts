import { Injectable } from '@nestjs/common';
import type { ApiRoute, RouteSource } from '../http/route';
import { ApiMetrics } from './api-metrics';

/** GET /metrics: Prometheus text format. */
@Injectable()
export class MetricsRoutes implements RouteSource {
  constructor(private readonly metrics: ApiMetrics) {}

  routes(): readonly ApiRoute[] {
    return [
      {
        method: 'GET',
        url: '/metrics',
        schema: {
          summary: 'Prometheus metrics (of every worker, summed, with API_WORKERS > 1)',
          tags: ['Metrics'],
          response: { 200: { type: 'string', description: 'Prometheus text format' } },
        },
        handler: async (_, reply) => {
          void reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
          return this.metrics.scrape();
        },
      },
    ];
  }
}
