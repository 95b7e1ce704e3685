import { Inject, Injectable } from '@nestjs/common';
import { type EntityKey, type FeatureReadRequest, type FeatureRows, FeatureStore } from '@feature-store/core';
import { API_CONFIG, type ApiConfig } from '../app/api-config';
import { ApiError } from '../errors/api-error';
import { ApiMetrics } from '../metrics/api-metrics';
import { InvalidDataLog } from './invalid-data-log';

export interface EntityRead {
  readonly entity: string;
  readonly ids: readonly EntityKey[];
  /** Only these features (all of the entity's by default). */
  readonly features?: readonly string[];
  /** Only ids in the entity's index are found (the original contract's single read). */
  readonly indexedOnly?: boolean;
}

/**
 * Every read of every route goes through here: the API's limits, the store's one read, and what
 * a read tells operators (timing, entities found or missing, age of the rows served, stored data
 * that could not be served).
 */
@Injectable()
export class FeaturesService {
  private readonly invalidLog = new InvalidDataLog();

  constructor(
    private readonly store: FeatureStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly metrics: ApiMetrics,
  ) {}

  /** An entity read of one id (operation "get") or of a batch ("get_many"). */
  readEntity(read: EntityRead, operation: 'get' | 'get_many'): Promise<FeatureRows> {
    return this.metrics.timeRedis(operation, () => this.store.read(read)).then((rows) => this.account(rows));
  }

  /** A read of features of any views, or of a feature service, for entity rows. */
  readFeatures(request: FeatureReadRequest): Promise<FeatureRows> {
    return this.metrics.timeRedis('get_features', () => this.store.read(request)).then((rows) => this.account(rows));
  }

  /**
   * @throws ApiError 400 `INVALID_BATCH_SIZE` unless 1 to BATCH_MAX_IDS entries; checked before
   *   anything else of the batch.
   */
  checkBatchSize(count: number, field: string): void {
    if (count < 1 || count > this.config.BATCH_MAX_IDS) {
      throw new ApiError(400, 'INVALID_BATCH_SIZE', `${field}: expected between 1 and ${this.config.BATCH_MAX_IDS} ids, got ${count}`);
    }
  }

  /** Records what the read served: entities found or missing, age of rows, invalid data. */
  private account(rows: FeatureRows): FeatureRows {
    const { plan } = rows;
    const now = Date.now();
    plan.spaces.forEach((planned, space) => {
      let found = 0;
      for (let row = 0; row < rows.length; row++) {
        if (rows.wrongType(row, space)) {
          this.metrics.countInvalidEntity(planned.space.name);
          this.invalidLog.entity(rows.keys[space]![row]!);
        }
        if (!rows.found(row, space)) continue;
        found += 1;
        for (let view = 0; view < planned.views.length; view++) {
          const eventTime = rows.eventTime(row, space, view);
          if (eventTime !== null) this.metrics.observeEventTime(planned.views[view]!.name, eventTime, now);
        }
      }
      this.metrics.countEntities(planned.space.name, found, rows.length - found);
    });
    for (const invalid of rows.invalidValues) {
      const column = plan.columns[invalid.column]!;
      this.metrics.countInvalidValue(column.view.name, column.feature.name);
      this.invalidLog.value(invalid.key, invalid.field);
    }
    return rows;
  }
}

/** 404 `ENTITY_NOT_FOUND` in the original contract's words ("User x not found"). */
export function entityNotFound(entity: string, id: EntityKey): ApiError {
  return new ApiError(404, 'ENTITY_NOT_FOUND', `${entity.charAt(0).toUpperCase()}${entity.slice(1)} ${String(id)} not found`);
}
