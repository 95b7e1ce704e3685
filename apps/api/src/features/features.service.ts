import { Inject, Injectable } from '@nestjs/common';
import { type EntityRecord, FeatureStore, type FeatureValue } from '@feature-store/core';
import { API_CONFIG, type ApiConfig } from '../app/api-config';
import { ApiError } from '../errors/api-error';
import { ApiMetrics } from '../metrics/api-metrics';

export interface ReadQuery {
  readonly features?: readonly string[];
  readonly eventTimes: boolean;
}

/** A found entity as the v1 routes return it. */
export interface EntityFeaturesBody {
  readonly id: string;
  readonly features: Record<string, FeatureValue>;
  /** Views whose rows are older than their max_age; their features are null. */
  readonly expired: readonly string[];
  /** Per view: ISO-8601 event time of the row served, null if the view was never written. */
  readonly event_times?: Record<string, string | null>;
}

/** Reads through the store, enforcing the API's limits and shaping the JSON bodies. */
@Injectable()
export class FeaturesService {
  constructor(
    private readonly store: FeatureStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly metrics: ApiMetrics,
  ) {}

  /** @throws ApiError 404 `ENTITY_NOT_FOUND` for an id never written. */
  async getOne(entity: string, id: string, query: ReadQuery): Promise<EntityFeaturesBody> {
    const record = await this.metrics.timeRedis('get', () => this.store.get(entity, id, query));
    if (record) this.observe(record);
    this.metrics.countEntities(entity, record ? 1 : 0, record ? 0 : 1);
    if (!record) throw notFound(entity, id);
    return toBody(record, query.eventTimes);
  }

  /** One entry per requested id, in order: the entity, or null for an unknown id. */
  async getMany(entity: string, ids: readonly string[], field: string, query: ReadQuery) {
    this.checkBatchSize(ids, field);
    const records = await this.metrics.timeRedis('get_many', () => this.store.getMany(entity, ids, query));
    for (const record of records) if (record) this.observe(record);
    const found = records.filter((record) => record !== null).length;
    this.metrics.countEntities(entity, found, records.length - found);
    return records.map((record) => (record ? toBody(record, query.eventTimes) : null));
  }

  /**
   * The `features` object of one id as JSON text, for routes that write their body themselves.
   * @throws ApiError 404 `ENTITY_NOT_FOUND` for an id never written.
   */
  async getOneJson(entity: string, id: string): Promise<string> {
    const onEventTime = this.metrics.observeEventTime;
    const json = await this.metrics.timeRedis('get', () => this.store.getJson(entity, id, { onEventTime }));
    this.metrics.countEntities(entity, json === null ? 0 : 1, json === null ? 1 : 0);
    if (json === null) throw notFound(entity, id);
    return json;
  }

  /** Per requested id, in order, its `features` object as JSON text, or null for an unknown id. */
  async getManyJson(entity: string, ids: readonly string[], field: string): Promise<(string | null)[]> {
    this.checkBatchSize(ids, field);
    const onEventTime = this.metrics.observeEventTime;
    const features = await this.metrics.timeRedis('get_many', () => this.store.getManyJson(entity, ids, { onEventTime }));
    const found = features.filter((json) => json !== null).length;
    this.metrics.countEntities(entity, found, features.length - found);
    return features;
  }

  private observe(record: EntityRecord): void {
    for (const [view, eventTimeMs] of Object.entries(record.eventTimes)) {
      if (eventTimeMs !== null) this.metrics.observeEventTime(view, eventTimeMs);
    }
  }

  private checkBatchSize(ids: readonly string[], field: string): void {
    if (ids.length < 1 || ids.length > this.config.batchMaxIds) {
      throw new ApiError(
        400,
        'INVALID_BATCH_SIZE',
        `${field}: expected between 1 and ${this.config.batchMaxIds} ids, got ${ids.length}`,
      );
    }
  }
}

function notFound(entity: string, id: string): ApiError {
  return new ApiError(404, 'ENTITY_NOT_FOUND', `${entity.charAt(0).toUpperCase()}${entity.slice(1)} ${id} not found`);
}

function toBody(record: EntityRecord, eventTimes: boolean): EntityFeaturesBody {
  const body = { id: record.id, features: record.features, expired: record.expired };
  if (!eventTimes) return body;
  const times: Record<string, string | null> = {};
  for (const [view, ms] of Object.entries(record.eventTimes)) {
    // A stored event time that is not a valid date (written to Redis by hand) is shown as null.
    const date = ms === null ? null : new Date(ms);
    times[view] = date && Number.isFinite(date.getTime()) ? date.toISOString() : null;
  }
  return { ...body, event_times: times };
}
