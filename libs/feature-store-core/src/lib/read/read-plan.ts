import { type ValueJson, maxValueBytes, valueJson } from '../codec/codec';
import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import type {
  EntityDefinition,
  FeatureReference,
  FeatureServiceDefinition,
  KeySpaceDefinition,
  ViewDefinition,
} from '../registry/registry.types';

/** What one read fetches from the hashes of one key space. */
export interface PlannedSpace {
  readonly space: KeySpaceDefinition;
  /** The views of the space whose rows the read judges (event time, age, existence). */
  readonly views: readonly ViewDefinition[];
  /**
   * The fields read from each hash, in order: the requested features of the space, then the
   * event-time field of each of `views`.
   */
  readonly fields: readonly string[];
  /** `fields[0 .. featureCount)` are features. */
  readonly featureCount: number;
  /** For each feature field, the index in `views` of its view. */
  readonly fieldViews: readonly number[];
  /** The most bytes one key's reply can take (see `maxValueBytes`): what splits a large read. */
  readonly maxKeyBytes: number;
  /** The views of the spaces before this one: where its views start among all the plan's views. */
  readonly firstView: number;
}

/**
 * The columns a read returns and the fields it fetches for them, decided once per request shape
 * (and cached by the store for the common ones).
 *
 * An entity read (`forEntity`) reads one entity's features, and judges every view of the entity:
 * an id is found when any of them has a row. A feature read (`forFeatures`) reads features of any
 * views, of one or several key spaces, and judges only the views it reads: each view's row is
 * found or not on its own.
 */
export class ReadPlan {
  readonly spaces: readonly PlannedSpace[];
  /** For each column: its index in `spaces`, its field's index there, its view's index there. */
  readonly columnSpace: readonly number[];
  readonly columnField: readonly number[];
  readonly columnView: readonly number[];
  /**
   * For each column, the JSON text before its value in an object of the columns in order:
   * `{"age":` for the first, `,"gender":` for the others (`FeatureRows.objectJson` appends the
   * values and `}`).
   */
  readonly columnJsonPrefixes: readonly string[];
  /** For each column, how its feature's stored text is written as JSON (`valueJson`). */
  readonly columnValueJson: readonly ValueJson[];
  /** The views of all spaces. */
  readonly viewCount: number;

  private constructor(
    readonly columns: readonly FeatureReference[],
    /** Set for an entity read: the entity. */
    readonly entity: EntityDefinition | null,
    /** Set for a read of a feature service: the service. */
    readonly service: FeatureServiceDefinition | null,
  ) {
    const spaces: { space: KeySpaceDefinition; views: ViewDefinition[]; features: FeatureReference[] }[] = [];
    const spaceOf = (space: KeySpaceDefinition) => {
      let planned = spaces.find((candidate) => candidate.space === space);
      if (!planned) {
        planned = { space, views: entity ? [...space.views] : [], features: [] };
        spaces.push(planned);
      }
      return planned;
    };
    if (entity) spaceOf(entity);
    for (const column of columns) {
      const planned = spaceOf(entity ?? column.space);
      if (!planned.views.includes(column.view)) planned.views.push(column.view);
      planned.features.push(column);
    }
    let viewsBefore = 0;
    this.spaces = spaces.map(({ space, views, features }) => {
      const planned = {
        space,
        views,
        fields: [...features.map((column) => column.feature.name), ...views.map((view) => view.eventTimeField)],
        featureCount: features.length,
        fieldViews: features.map((column) => views.indexOf(column.view)),
        maxKeyBytes: features.reduce((sum, column) => sum + maxValueBytes(column.feature) + 1, views.length * 24 + 2),
        firstView: viewsBefore,
      };
      viewsBefore += views.length;
      return planned;
    });
    this.viewCount = viewsBefore;
    this.columnSpace = columns.map((column) => spaces.findIndex((planned) => planned.features.includes(column)));
    this.columnField = columns.map((column, index) => spaces[this.columnSpace[index]!]!.features.indexOf(column));
    this.columnView = columns.map((column, index) => spaces[this.columnSpace[index]!]!.views.indexOf(column.view));
    this.columnJsonPrefixes = columns.map((column, index) => `${index === 0 ? '{' : ','}${JSON.stringify(column.feature.name)}:`);
    this.columnValueJson = columns.map((column) => valueJson(column.feature));
  }

  /**
   * The named features of an entity (every feature of it by default); a repeated name is read once.
   * @throws FeatureStoreError `UNKNOWN_FEATURE` naming the first feature the entity lacks.
   */
  static forEntity(entity: EntityDefinition, featureNames?: readonly string[]): ReadPlan {
    const byName = (name: string): FeatureReference => {
      const feature = entity.features.find((candidate) => candidate.name === name);
      if (!feature) {
        throw new FeatureStoreError(FeatureStoreErrorCode.UnknownFeature, `Unknown feature "${name}" for entity "${entity.name}"`, {
          field: name,
        });
      }
      return { feature, view: entity.views.find((view) => view.name === feature.view)!, space: entity };
    };
    const names = featureNames === undefined ? entity.features.map((feature) => feature.name) : [...new Set(featureNames)];
    return new ReadPlan(names.map(byName), entity, null);
  }

  /** Features of any views (`Registry.feature`), in order; a repeated feature is read once. */
  static forFeatures(references: readonly FeatureReference[]): ReadPlan {
    const unique = references.filter(
      (reference, index) => references.findIndex((other) => other.feature === reference.feature) === index,
    );
    return new ReadPlan(unique, null, null);
  }

  /** The features of a feature service, in its order. */
  static forService(service: FeatureServiceDefinition): ReadPlan {
    return new ReadPlan(service.features, null, service);
  }
}
