import { Controller, Get, Header } from '@nestjs/common';
import { ApiMetrics } from './api-metrics';

/** GET /metrics: Prometheus text format. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ApiMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
