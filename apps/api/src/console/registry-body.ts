import type { EntityDefinition, FeatureReference, JoinKeyType, KeySpaceDefinition, Registry } from '@feature-store/core';
import type { JsonSchema } from '../http/route';

/** A join key as entity rows name it. */
interface JoinKeyBody {
  readonly name: string;
  readonly type: JoinKeyType;
}

/** GET /v1/registry: what the registry declares, in declared order, times in seconds. */
export interface RegistryBody {
  readonly entities: readonly {
    readonly name: string;
    readonly description: string | null;
    readonly join_key: JoinKeyBody;
    readonly id_pattern: string | null;
    readonly id_max_length: number | null;
    readonly ttl_seconds: number | null;
  }[];
  readonly key_spaces: readonly {
    readonly name: string;
    readonly entities: readonly string[];
    readonly join_keys: readonly JoinKeyBody[];
    readonly views: readonly string[];
  }[];
  readonly views: readonly {
    readonly name: string;
    readonly key_space: string;
    readonly entities: readonly string[];
    readonly join_keys: readonly JoinKeyBody[];
    readonly description: string | null;
    readonly max_age_seconds: number | null;
    readonly event_time_field: string;
    readonly features: readonly {
      readonly name: string;
      readonly type: string;
      readonly description: string | null;
      readonly dimension: number | null;
      readonly max_length: number | null;
      readonly examples: readonly unknown[] | null;
    }[];
  }[];
  readonly feature_services: readonly {
    readonly name: string;
    readonly version: number;
    readonly description: string | null;
    readonly features: readonly string[];
    readonly join_keys: readonly JoinKeyBody[];
  }[];
  readonly push_sources: readonly { readonly name: string; readonly view: string; readonly description: string | null }[];
}

const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: [type, 'null'], ...extra });
const strings: JsonSchema = { type: 'array', items: { type: 'string' } };
const object = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', properties, required: Object.keys(properties) });
const JOIN_KEY = object({ name: { type: 'string' }, type: { type: 'string', enum: ['string', 'int'] } });
const JOIN_KEYS: JsonSchema = { type: 'array', items: JOIN_KEY, description: 'the join keys an entity row names to read these features' };

export const REGISTRY_BODY: JsonSchema = object({
  entities: {
    type: 'array',
    items: object({
      name: { type: 'string' },
      description: nullable('string'),
      join_key: JOIN_KEY,
      id_pattern: nullable('string', { description: 'for a string join key: the pattern every id matches' }),
      id_max_length: nullable('integer', { description: 'for a string join key: the longest id' }),
      ttl_seconds: nullable('number', { description: 'expiry every write sets on a row of this entity; null: none' }),
    }),
  },
  key_spaces: {
    type: 'array',
    description: 'what an entity row keys: one entity, or several for a composite key ("driver+customer")',
    items: object({ name: { type: 'string' }, entities: strings, join_keys: JOIN_KEYS, views: strings }),
  },
  views: {
    type: 'array',
    items: object({
      name: { type: 'string' },
      key_space: { type: 'string' },
      entities: strings,
      join_keys: JOIN_KEYS,
      description: nullable('string'),
      max_age_seconds: nullable('number', { description: 'rows older than this are served as OUTSIDE_MAX_AGE (null values); null: never' }),
      event_time_field: { type: 'string', description: 'the hash field holding the event time of the view\'s row' },
      features: {
        type: 'array',
        items: object({
          name: { type: 'string' },
          type: { type: 'string', enum: ['int', 'float', 'string', 'bool', 'timestamp', 'float_vector'] },
          description: nullable('string'),
          dimension: nullable('integer', { description: 'for a float_vector: its length, when declared' }),
          max_length: nullable('integer', { description: 'for a string: the longest value a write accepts' }),
          examples: nullable('array', { items: {}, description: 'typical values the registry declares' }),
        }),
      },
    }),
  },
  feature_services: {
    type: 'array',
    items: object({
      name: { type: 'string' },
      version: { type: 'integer' },
      description: nullable('string'),
      features: { ...strings, description: '"view:feature" references, in declared order' },
      join_keys: JOIN_KEYS,
    }),
  },
  push_sources: {
    type: 'array',
    items: object({ name: { type: 'string' }, view: { type: 'string' }, description: nullable('string') }),
  },
});

const seconds = (ms: number | null) => (ms === null ? null : ms / 1_000);
const joinKey = (entity: EntityDefinition): JoinKeyBody => ({ name: entity.joinKey, type: entity.joinKeyType });
const joinKeys = (space: KeySpaceDefinition): JoinKeyBody[] => space.entities.map(joinKey);

/** The join keys that rows reading `references` name: those of every key space, each once, in order. */
function joinKeysOf(references: readonly FeatureReference[]): JoinKeyBody[] {
  const keys = new Map<string, JoinKeyBody>();
  for (const { space } of references) for (const key of joinKeys(space)) keys.set(key.name, key);
  return [...keys.values()];
}

/** The registry as GET /v1/registry answers it. */
export function registryBody(registry: Registry): RegistryBody {
  return {
    entities: registry.entities.map((entity) => ({
      name: entity.name,
      description: entity.description,
      join_key: joinKey(entity),
      id_pattern: entity.joinKeyType === 'string' ? entity.idPattern.source : null,
      id_max_length: entity.joinKeyType === 'string' ? entity.idMaxLength : null,
      ttl_seconds: seconds(entity.ttlMs),
    })),
    key_spaces: registry.keySpaces.map((space) => ({
      name: space.name,
      entities: space.entities.map((entity) => entity.name),
      join_keys: joinKeys(space),
      views: space.views.map((view) => view.name),
    })),
    views: registry.views.map((view) => ({
      name: view.name,
      key_space: view.entity,
      entities: view.entities,
      join_keys: joinKeys(registry.keySpace(view.entity)),
      description: view.description,
      max_age_seconds: seconds(view.maxAgeMs),
      event_time_field: view.eventTimeField,
      features: view.features.map((feature) => ({
        name: feature.name,
        type: feature.type,
        description: feature.description,
        dimension: feature.dimension,
        max_length: feature.maxLength,
        examples: feature.examples,
      })),
    })),
    feature_services: registry.featureServices.map((service) => ({
      name: service.name,
      version: service.version,
      description: service.description,
      features: service.features.map(({ view, feature }) => `${view.name}:${feature.name}`),
      join_keys: joinKeysOf(service.features),
    })),
    push_sources: registry.pushSources.map(({ name, view, description }) => ({ name, view, description })),
  };
}
