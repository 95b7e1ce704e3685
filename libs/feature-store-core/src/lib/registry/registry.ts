import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { encodeValue } from '../codec/codec';
import { eventTimeField } from '../keys/key-schema';
import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import { type DurationSpec, type RegistryFile, registryFileSchema } from './registry.schema';
import type {
  EntityDefinition,
  FeatureDefinition,
  FeatureReference,
  FeatureServiceDefinition,
  KeySpaceDefinition,
  NearCacheDefinition,
  PushSourceDefinition,
  ViewDefinition,
} from './registry.types';

/** Ids must be printable ASCII without white space; entities may narrow this with `id.pattern`. */
const DEFAULT_ID_PATTERN = '^[\\x21-\\x7E]+$';
const DEFAULT_ID_MAX_LENGTH = 128;
/**
 * The longest string feature value a write stores unless the feature declares `max_length`: long
 * enough for categories, names and codes, short enough that a batch read stays a small reply.
 */
export const DEFAULT_STRING_MAX_LENGTH = 1_024;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Joins the entity names of a composite key space ("driver+customer"); no entity name holds it. */
const KEY_SPACE_JOINER = '+';

/**
 * The validated set of entities, feature views, feature services and push sources that a store
 * serves.
 */
export class Registry {
  private readonly entitiesByName: ReadonlyMap<string, EntityDefinition>;
  private readonly keySpacesByName: ReadonlyMap<string, KeySpaceDefinition>;
  private readonly viewsByName: ReadonlyMap<string, ViewDefinition>;
  private readonly servicesByName: ReadonlyMap<string, FeatureServiceDefinition>;
  private readonly pushSourcesByName: ReadonlyMap<string, PushSourceDefinition>;

  private constructor(built: Built) {
    this.entitiesByName = new Map(built.entities.map((entity) => [entity.name, entity]));
    this.keySpacesByName = new Map(built.keySpaces.map((space) => [space.name, space]));
    this.viewsByName = new Map(built.keySpaces.flatMap((space) => space.views.map((view) => [view.name, view])));
    this.servicesByName = new Map(built.services.map((service) => [service.name, service]));
    this.pushSourcesByName = new Map(built.pushSources.map((source) => [source.name, source]));
  }

  get entities(): readonly EntityDefinition[] {
    return [...this.entitiesByName.values()];
  }

  /** Every key space with at least one view: single entities and composite keys. */
  get keySpaces(): readonly KeySpaceDefinition[] {
    return [...this.keySpacesByName.values()].filter((space) => space.views.length > 0);
  }

  get views(): readonly ViewDefinition[] {
    return [...this.viewsByName.values()];
  }

  get featureServices(): readonly FeatureServiceDefinition[] {
    return [...this.servicesByName.values()];
  }

  get pushSources(): readonly PushSourceDefinition[] {
    return [...this.pushSourcesByName.values()];
  }

  /** @throws FeatureStoreError `UNKNOWN_ENTITY` */
  entity(name: string): EntityDefinition {
    const entity = this.entitiesByName.get(name);
    if (!entity) {
      throw new FeatureStoreError(FeatureStoreErrorCode.UnknownEntity, `Unknown entity "${name}"`);
    }
    return entity;
  }

  /** The key space of a view (`view.entity`). @throws FeatureStoreError `UNKNOWN_ENTITY` */
  keySpace(name: string): KeySpaceDefinition {
    const space = this.keySpacesByName.get(name);
    if (!space) {
      throw new FeatureStoreError(FeatureStoreErrorCode.UnknownEntity, `Unknown entity "${name}"`);
    }
    return space;
  }

  /** @throws FeatureStoreError `UNKNOWN_VIEW` */
  view(name: string): ViewDefinition {
    const view = this.viewsByName.get(name);
    if (!view) {
      throw new FeatureStoreError(FeatureStoreErrorCode.UnknownView, `Unknown feature view "${name}"`);
    }
    return view;
  }

  /**
   * `view:feature` as a reference.
   * @throws FeatureStoreError `UNKNOWN_VIEW`, or `UNKNOWN_FEATURE` for a malformed reference or a
   *   feature the view lacks.
   */
  feature(reference: string): FeatureReference {
    const separator = reference.indexOf(':');
    if (separator <= 0 || separator !== reference.lastIndexOf(':')) {
      throw new FeatureStoreError(
        FeatureStoreErrorCode.UnknownFeature,
        `Invalid feature reference ${JSON.stringify(reference)}: expected "view:feature"`,
        { field: reference },
      );
    }
    const view = this.view(reference.slice(0, separator));
    const name = reference.slice(separator + 1);
    const feature = view.features.find((candidate) => candidate.name === name);
    if (!feature) {
      throw new FeatureStoreError(FeatureStoreErrorCode.UnknownFeature, `Unknown feature "${name}" of view "${view.name}"`, {
        field: reference,
      });
    }
    return { view, feature, space: this.keySpace(view.entity) };
  }

  /** @throws FeatureStoreError `UNKNOWN_FEATURE_SERVICE` */
  featureService(name: string): FeatureServiceDefinition {
    const service = this.servicesByName.get(name);
    if (!service) {
      throw new FeatureStoreError(FeatureStoreErrorCode.UnknownFeatureService, `Unknown feature service "${name}"`);
    }
    return service;
  }

  /** @throws FeatureStoreError `UNKNOWN_PUSH_SOURCE` */
  pushSource(name: string): PushSourceDefinition {
    const source = this.pushSourcesByName.get(name);
    if (!source) {
      throw new FeatureStoreError(FeatureStoreErrorCode.UnknownPushSource, `Unknown push source "${name}"`);
    }
    return source;
  }

  /**
   * Builds a registry from the parsed content of a registry file.
   * @param source names the origin in error messages (a file path, say).
   * @throws FeatureStoreError `INVALID_REGISTRY`, naming every bad entry.
   */
  static fromObject(content: unknown, source = 'registry'): Registry {
    const parsed = registryFileSchema.safeParse(content);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw invalid(source, problems);
    }
    return new Registry(build(parsed.data, source));
  }

  /**
   * Reads a registry file, YAML or JSON (JSON is YAML).
   * @throws FeatureStoreError `INVALID_REGISTRY` when the file cannot be read, parsed or validated.
   */
  static fromFile(path: string): Registry {
    let content: unknown;
    try {
      content = parseYaml(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new FeatureStoreError(
        FeatureStoreErrorCode.InvalidRegistry,
        `Cannot load registry ${path}: ${(error as Error).message}`,
        {},
        { cause: error },
      );
    }
    return Registry.fromObject(content, path);
  }
}

interface Built {
  readonly entities: EntityDefinition[];
  readonly keySpaces: KeySpaceDefinition[];
  readonly services: FeatureServiceDefinition[];
  readonly pushSources: PushSourceDefinition[];
}

/** A key space under construction: its views and features grow as views are read. */
interface MutableKeySpace extends KeySpaceDefinition {
  readonly views: ViewDefinition[];
  readonly features: FeatureDefinition[];
  nearCache: NearCacheDefinition | null;
}

function build(file: RegistryFile, source: string): Built {
  const problems: string[] = [];
  const entities = Object.entries(file.entities).map(([name, spec]) => {
    const pattern = spec.id?.pattern ?? DEFAULT_ID_PATTERN;
    let idPattern = /^$/;
    try {
      idPattern = new RegExp(pattern);
    } catch (error) {
      problems.push(`entities.${name}.id.pattern: ${(error as Error).message}`);
    }
    const joinKey = typeof spec.join_key === 'string' ? { name: spec.join_key, type: 'string' as const } : spec.join_key;
    const entity: EntityDefinition & MutableKeySpace = {
      name,
      description: spec.description ?? null,
      joinKey: joinKey?.name ?? `${name}_id`,
      joinKeyType: joinKey?.type ?? 'string',
      idPattern,
      idMaxLength: spec.id?.max_length ?? DEFAULT_ID_MAX_LENGTH,
      ttlMs: toMs(spec.ttl),
      entities: [],
      views: [],
      features: [],
      nearCache: null,
    };
    (entity.entities as EntityDefinition[]).push(entity);
    return entity;
  });
  const entitiesByName = new Map(entities.map((entity) => [entity.name, entity]));
  const joinKeyOwners = new Map<string, string>();
  for (const entity of entities) {
    const owner = joinKeyOwners.get(entity.joinKey);
    if (owner !== undefined) problems.push(`entities.${entity.name}.join_key: "${entity.joinKey}" is already the join key of entity "${owner}"`);
    joinKeyOwners.set(entity.joinKey, entity.name);
  }
  const keySpaces = new Map<string, MutableKeySpace>(entities.map((entity) => [entity.name, entity]));

  const spaceOf = (viewName: string, names: readonly string[]): MutableKeySpace | undefined => {
    const unknown = names.filter((entityName) => !entitiesByName.has(entityName));
    if (unknown.length > 0) {
      problems.push(`views.${viewName}.entit${names.length > 1 ? 'ies' : 'y'}: unknown entity ${unknown.map((n) => `"${n}"`).join(', ')}`);
      return undefined;
    }
    if (new Set(names).size !== names.length) {
      problems.push(`views.${viewName}.entities: an entity appears more than once`);
      return undefined;
    }
    const spaceName = names.join(KEY_SPACE_JOINER);
    let space = keySpaces.get(spaceName);
    if (!space) {
      const members = names.map((entityName) => entitiesByName.get(entityName)!);
      const ttls = members.map((entity) => entity.ttlMs).filter((ttl): ttl is number => ttl !== null);
      space = { name: spaceName, entities: members, ttlMs: ttls.length > 0 ? Math.min(...ttls) : null, views: [], features: [], nearCache: null };
      keySpaces.set(spaceName, space);
    }
    return space;
  };

  for (const [viewName, spec] of Object.entries(file.views)) {
    const names = spec.entities ?? [spec.entity!];
    const space = spaceOf(viewName, names);
    if (!space) continue;
    const features: FeatureDefinition[] = Object.entries(spec.features).map(([featureName, featureSpec]) => {
      const detail = typeof featureSpec === 'string' ? { type: featureSpec } : featureSpec;
      return {
        name: featureName,
        type: detail.type,
        view: viewName,
        dimension: 'dimension' in detail ? (detail.dimension ?? null) : null,
        maxLength: detail.type === 'string' ? (('max_length' in detail ? detail.max_length : undefined) ?? DEFAULT_STRING_MAX_LENGTH) : null,
        examples: 'examples' in detail ? (detail.examples ?? null) : null,
        description: 'description' in detail ? (detail.description ?? null) : null,
      };
    });
    for (const feature of features) {
      const clash = space.features.find((existing) => existing.name === feature.name);
      if (clash) {
        problems.push(`views.${viewName}.features.${feature.name}: already declared by view "${clash.view}" of entity "${space.name}"`);
      }
      if (space.entities.some((entity) => entity.joinKey === feature.name)) {
        problems.push(`views.${viewName}.features.${feature.name}: a feature cannot take the name of its view's join key`);
      }
      const declared = typeof spec.features[feature.name] === 'object' ? (spec.features[feature.name] as Record<string, unknown>) : {};
      if (declared['dimension'] !== undefined && feature.type !== 'float_vector') {
        problems.push(`views.${viewName}.features.${feature.name}.dimension: only a float_vector has a dimension`);
      }
      if (declared['max_length'] !== undefined && feature.type !== 'string') {
        problems.push(`views.${viewName}.features.${feature.name}.max_length: only a string has a max_length`);
      }
      feature.examples?.forEach((example, index) => {
        try {
          encodeValue(feature, example);
        } catch (error) {
          problems.push(`views.${viewName}.features.${feature.name}.examples.${index}: ${(error as Error).message}`);
        }
      });
    }
    const view: ViewDefinition = {
      name: viewName,
      entity: space.name,
      entities: names,
      description: spec.description ?? null,
      maxAgeMs: toMs(spec.max_age),
      eventTimeField: spec.event_time_field ?? eventTimeField(viewName),
      features,
      nearCache: spec.near_cache ? { maxEntries: spec.near_cache.max_entries } : null,
    };
    const sharing = space.views.find((other) => other.eventTimeField === view.eventTimeField);
    if (sharing) {
      problems.push(`views.${viewName}.event_time_field: "${view.eventTimeField}" is already the event-time field of view "${sharing.name}"`);
    }
    if (space.ttlMs !== null && (view.maxAgeMs === null || view.maxAgeMs > space.ttlMs)) {
      problems.push(
        `views.${viewName}.max_age: entity "${space.name}" has a ttl, so the view needs a max_age of at most that ttl ` +
          '(else its rows would vanish before they expire)',
      );
    }
    const first = space.views[0];
    if (first && (first.nearCache?.maxEntries ?? null) !== (view.nearCache?.maxEntries ?? null)) {
      problems.push(
        `views.${viewName}.near_cache: view "${first.name}" of the same entity "${space.name}" declares ` +
          `${first.nearCache ? `max_entries ${first.nearCache.maxEntries}` : 'none'}: the views of one entity share ` +
          'one hash per id, which the near-cache holds whole, so they declare the same near_cache or none',
      );
    }
    if (!first) space.nearCache = view.nearCache;
    space.views.push(view);
    space.features.push(...features);
  }

  const views = new Map([...keySpaces.values()].flatMap((space) => space.views.map((view) => [view.name, view] as const)));
  const services = Object.entries(file.feature_services ?? {}).map(([serviceName, spec]): FeatureServiceDefinition => {
    const references: FeatureReference[] = [];
    spec.features.forEach((reference, index) => {
      const [viewName, featureName] = reference.split(':') as [string, string | undefined];
      const view = views.get(viewName);
      const space = view && keySpaces.get(view.entity)!;
      const where = `feature_services.${serviceName}.features.${index}`;
      if (!view || !space) return void problems.push(`${where}: unknown view "${viewName}"`);
      const chosen = featureName === undefined ? view.features : view.features.filter((feature) => feature.name === featureName);
      if (chosen.length === 0) return void problems.push(`${where}: view "${viewName}" has no feature "${featureName}"`);
      for (const feature of chosen) {
        if (references.some((known) => known.feature === feature)) problems.push(`${where}: "${viewName}:${feature.name}" is listed twice`);
        else references.push({ view, feature, space });
      }
    });
    return { name: serviceName, version: spec.version ?? 1, description: spec.description ?? null, features: references };
  });

  const pushSources = Object.entries(file.push_sources ?? {}).map(([sourceName, spec]): PushSourceDefinition => {
    const viewName = typeof spec === 'string' ? spec : spec.view;
    if (!views.has(viewName)) problems.push(`push_sources.${sourceName}.view: unknown view "${viewName}"`);
    return { name: sourceName, view: viewName, description: typeof spec === 'string' ? null : (spec.description ?? null) };
  });

  if (problems.length > 0) {
    throw invalid(source, problems);
  }
  return { entities, keySpaces: [...keySpaces.values()], services, pushSources };
}

function toMs(spec: DurationSpec | undefined): number | null {
  if (spec === undefined) return null;
  if (typeof spec === 'number') return spec * 1_000;
  const unit = spec.slice(-1) as keyof typeof UNIT_MS;
  return Number(spec.slice(0, -1)) * UNIT_MS[unit];
}

function invalid(source: string, problems: readonly string[]): FeatureStoreError {
  return new FeatureStoreError(
    FeatureStoreErrorCode.InvalidRegistry,
    `Invalid registry ${source}:\n  - ${problems.join('\n  - ')}`,
  );
}
