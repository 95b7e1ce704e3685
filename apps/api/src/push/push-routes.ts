import { Inject, Injectable } from '@nestjs/common';
import { FeatureStore, StoredDataError, type WriteResult, type WriteRow } from '@feature-store/core';
import { API_CONFIG, type ApiConfig } from '../app/api-config';
import type { ApiRoute, RouteSource } from '../http/route';
import { pathParams, responses } from '../http/schemas';
import { ApiMetrics } from '../metrics/api-metrics';
import { PUSH_BODY, pushRows, toWriteRows } from './push-request';

const WRITE_RESULT = {
  type: 'object',
  properties: { written: { type: 'integer' }, stale: { type: 'integer', description: 'rows older than the stored ones: skipped' } },
  required: ['written', 'stale'],
};

/**
 * Writes rows of a feature view. The whole request is validated before anything is written;
 * 200 comes only once Redis has acknowledged every row. The Feast-compatible pushes write through
 * `write` too.
 */
@Injectable()
export class PushRoutes implements RouteSource {
  constructor(
    private readonly store: FeatureStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly metrics: ApiMetrics,
  ) {}

  routes(): readonly ApiRoute[] {
    return [
      {
        method: 'POST',
        url: '/v1/push/:view',
        config: { scope: 'write' },
        schema: {
          summary: 'Writes rows of a view (last write wins by event time); needs a key with the write scope',
          tags: ['Writes'],
          params: pathParams('view'),
          body: PUSH_BODY,
          response: responses(WRITE_RESULT),
        },
        handler: async (request) => {
          const { view } = request.params as { view: string };
          return this.write(view, toWriteRows(pushRows(request.body, this.config.PUSH_MAX_ROWS), Date.now()));
        },
      },
    ];
  }

  /** Writes validated rows of a view, counting them by outcome. */
  async write(view: string, rows: readonly WriteRow[]): Promise<WriteResult> {
    try {
      return this.count(view, await this.metrics.timeRedis('write', () => this.store.write(view, rows)));
    } catch (error) {
      if (error instanceof StoredDataError) this.count(view, error.result);
      throw error;
    }
  }

  private count(view: string, { written, stale }: WriteResult): WriteResult {
    this.metrics.rows.inc({ view, outcome: 'written' }, written);
    this.metrics.rows.inc({ view, outcome: 'stale' }, stale);
    return { written, stale };
  }
}
