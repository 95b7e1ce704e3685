export { type FeatureValue, fromText, jsonString, toEpochMs } from './lib/codec/codec';
export { type ErrorLocation, FeatureStoreError, FeatureStoreErrorCode } from './lib/errors';
export { type EntityKey, type JoinKeyValue } from './lib/keys/entity-key';
export { EVENT_TIME_FIELD_PREFIX, INDEX_BUCKETS, type KeySchema, compositeId, createKeySchema, eventTimeField } from './lib/keys/key-schema';
export type { Durability } from './lib/backend/redis-backend';
export type { CircuitBreakerOptions } from './lib/backend/circuit-breaker';
export { type RedisClient, type RedisClientOptions, createRedisClient } from './lib/redis/create-redis-client';
export { DEFAULT_STRING_MAX_LENGTH, Registry } from './lib/registry/registry';
export {
  type EntityDefinition,
  FEATURE_TYPES,
  type FeatureDefinition,
  type FeatureReference,
  type FeatureServiceDefinition,
  type FeatureType,
  JOIN_KEY_TYPES,
  type JoinKeyType,
  type KeySpaceDefinition,
  type NearCacheDefinition,
  type PushSourceDefinition,
  type ViewDefinition,
} from './lib/registry/registry.types';
export { type NearCacheSpaceStats, type NearCacheStats } from './lib/near-cache/near-cache';
export { NEAR_CACHE_DROP_REASONS, type NearCacheDropReason } from './lib/near-cache/tracker';
export { FEATURE_STATUSES, type FeatureStatus, FeatureRows, type InvalidValue } from './lib/read/feature-rows';
export { type PlannedSpace, ReadPlan } from './lib/read/read-plan';
export {
  type EntityReadRequest,
  type EntityRecord,
  type FeatureReadRequest,
  FeatureStore,
  type FeatureStoreOptions,
  type LoadedRows,
  type ReadOptions,
  type ReadRequest,
} from './lib/store/feature-store';
export type { WriteRow } from './lib/write/row-encoder';
export { type RejectedRow, StoredDataError, type WriteResult } from './lib/write/row-writer';
export {
  type ConsumeResult,
  StreamConsumer,
  type StreamConsumerOptions,
  type StreamLag,
  type StreamRetention,
  type TrimResult,
} from './lib/stream/stream-consumer';
export { STREAM_FIELDS } from './lib/stream/stream-entry';
