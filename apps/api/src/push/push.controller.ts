import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { FeatureStore, type WriteResult, type WriteRow } from '@feature-store/core';
import { API_CONFIG, type ApiConfig } from '../app/api-config';
import { ApiBody, ApiSecurity } from '@nestjs/swagger';
import { API_KEY_HEADER, RequiresScope } from '../auth/api-key.guard';
import { ApiMetrics } from '../metrics/api-metrics';
import { PushRequestDto, pushRows } from './push-request.dto';

/**
 * Writes rows of a feature view. The whole request is validated before anything is written;
 * 200 comes only once Redis has acknowledged every row.
 */
@Controller('v1/push')
export class PushController {
  constructor(
    private readonly store: FeatureStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly metrics: ApiMetrics,
  ) {}

  @Post(':view')
  @HttpCode(200)
  @RequiresScope('write')
  @ApiSecurity(API_KEY_HEADER)
  @ApiBody({ type: PushRequestDto })
  async push(@Param('view') view: string, @Body() body: unknown): Promise<WriteResult> {
    const pushed = pushRows(body, this.config.pushMaxRows);
    const receivedAt = Date.now();
    const rows = pushed.map(
      (row): WriteRow => ({
        id: row.id as string,
        eventTime: row.event_ts === undefined || row.event_ts === null ? receivedAt : (row.event_ts as string | number),
        features: row.features as Record<string, unknown>,
      }),
    );
    const { written, stale } = await this.metrics.timeRedis('write', () => this.store.write(view, rows));
    this.metrics.rows.inc({ view, outcome: 'written' }, written);
    this.metrics.rows.inc({ view, outcome: 'stale' }, stale);
    return { written, stale };
  }
}
