import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { encodeValue } from '../codec/codec';
import { eventTimeField } from '../keys/key-schema';
import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import { type DurationSpec, type RegistryFile, registryFileSchema } from './registry.schema';
import type { EntityDefinition, FeatureDefinition, ViewDefinition } from './registry.types';

/** Ids must be printable ASCII without white space; entities may narrow this with `id.pattern`. */
const DEFAULT_ID_PATTERN = '^[\\x21-\\x7E]+$';
const DEFAULT_ID_MAX_LENGTH = 128;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The validated set of entities and feature views that a store serves. */
export class Registry {
  private readonly entitiesByName: ReadonlyMap<string, EntityDefinition>;
  private readonly viewsByName: ReadonlyMap<string, ViewDefinition>;

  private constructor(entities: readonly EntityDefinition[]) {
    this.entitiesByName = new Map(entities.map((entity) => [entity.name, entity]));
    this.viewsByName = new Map(entities.flatMap((entity) => entity.views.map((view) => [view.name, view])));
  }

  get entities(): readonly EntityDefinition[] {
    return [...this.entitiesByName.values()];
  }

  get views(): readonly ViewDefinition[] {
    return [...this.viewsByName.values()];
  }

  /** @throws FeatureStoreError `UNKNOWN_ENTITY` */
  entity(name: string): EntityDefinition {
    const entity = this.entitiesByName.get(name);
    if (!entity) {
      throw new FeatureStoreError(FeatureStoreErrorCode.UnknownEntity, `Unknown entity "${name}"`);
    }
    return entity;
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
    return new Registry(buildEntities(parsed.data, source));
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

function buildEntities(file: RegistryFile, source: string): EntityDefinition[] {
  const problems: string[] = [];
  const entities = Object.entries(file.entities).map(([name, spec]) => {
    const pattern = spec.id?.pattern ?? DEFAULT_ID_PATTERN;
    let idPattern = /^$/;
    try {
      idPattern = new RegExp(pattern);
    } catch (error) {
      problems.push(`entities.${name}.id.pattern: ${(error as Error).message}`);
    }
    return {
      name,
      idPattern,
      idMaxLength: spec.id?.max_length ?? DEFAULT_ID_MAX_LENGTH,
      ttlMs: toMs(spec.ttl),
      views: [] as ViewDefinition[],
      features: [] as FeatureDefinition[],
    };
  });
  const byName = new Map(entities.map((entity) => [entity.name, entity]));

  for (const [viewName, spec] of Object.entries(file.views)) {
    const entity = byName.get(spec.entity);
    if (!entity) {
      problems.push(`views.${viewName}.entity: unknown entity "${spec.entity}"`);
      continue;
    }
    const features: FeatureDefinition[] = Object.entries(spec.features).map(([featureName, featureSpec]) =>
      typeof featureSpec === 'string'
        ? { name: featureName, type: featureSpec, view: viewName, dimension: null, examples: null }
        : {
            name: featureName,
            type: featureSpec.type,
            view: viewName,
            dimension: featureSpec.dimension ?? null,
            examples: featureSpec.examples ?? null,
          },
    );
    for (const feature of features) {
      const clash = entity.features.find((existing) => existing.name === feature.name);
      if (clash) {
        problems.push(
          `views.${viewName}.features.${feature.name}: already declared by view "${clash.view}" of entity "${entity.name}"`,
        );
      }
      if (feature.dimension !== null && feature.type !== 'float_vector') {
        problems.push(`views.${viewName}.features.${feature.name}.dimension: only a float_vector has a dimension`);
      }
      feature.examples?.forEach((example, index) => {
        try {
          encodeValue(feature, example);
        } catch (error) {
          problems.push(`views.${viewName}.features.${feature.name}.examples.${index}: ${(error as Error).message}`);
        }
      });
    }
    const view = {
      name: viewName,
      entity: entity.name,
      maxAgeMs: toMs(spec.max_age),
      eventTimeField: spec.event_time_field ?? eventTimeField(viewName),
      features,
    };
    const sharing = entity.views.find((other) => other.eventTimeField === view.eventTimeField);
    if (sharing) {
      problems.push(`views.${viewName}.event_time_field: "${view.eventTimeField}" is already the event-time field of view "${sharing.name}"`);
    }
    if (entity.ttlMs !== null && (view.maxAgeMs === null || view.maxAgeMs > entity.ttlMs)) {
      problems.push(
        `views.${viewName}.max_age: entity "${entity.name}" has a ttl, so the view needs a max_age of at most that ttl ` +
          '(else its rows would vanish before they expire)',
      );
    }
    entity.views.push(view);
    entity.features.push(...features);
  }

  if (problems.length > 0) {
    throw invalid(source, problems);
  }
  return entities;
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
