export { type FeatureValue, fromText, toEpochMs } from './lib/codec/codec';
export { type ErrorLocation, FeatureStoreError, FeatureStoreErrorCode } from './lib/errors';
export { EVENT_TIME_FIELD_PREFIX, INDEX_BUCKETS, type KeySchema, createKeySchema, eventTimeField } from './lib/keys/key-schema';
export type { Durability } from './lib/redis/cluster-batch';
export { type RedisClient, type RedisClientOptions, createRedisClient } from './lib/redis/create-redis-client';
export { Registry } from './lib/registry/registry';
export {
  type EntityDefinition,
  FEATURE_TYPES,
  type FeatureDefinition,
  type FeatureType,
  type ViewDefinition,
} from './lib/registry/registry.types';
export {
  FeatureStore,
  type FeatureStoreOptions,
  type JsonReadOptions,
  type ReadOptions,
  type RejectedRow,
  type WriteResult,
} from './lib/store/feature-store';
export type { EntityRecord, EventTimeListener } from './lib/store/read-plan';
export type { WriteRow } from './lib/store/row-encoder';
export {
  type ConsumeResult,
  StreamConsumer,
  type StreamConsumerOptions,
  type StreamLag,
} from './lib/stream/stream-consumer';
export { STREAM_FIELDS } from './lib/stream/stream-entry';
