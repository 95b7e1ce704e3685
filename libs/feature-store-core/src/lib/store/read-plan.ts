import { type FeatureValue, decodeValue } from '../codec/codec';
import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import { eventTimeField } from '../keys/key-schema';
import type { EntityDefinition, FeatureDefinition } from '../registry/registry.types';

/** What a read returns for an entity id that exists. */
export interface EntityRecord {
  readonly id: string;
  /** The requested features by name, typed by the registry; null where unset. */
  readonly features: Record<string, FeatureValue>;
  /** Per view of the entity: event time (epoch ms) of the last row written, or null. */
  readonly eventTimes: Record<string, number | null>;
}

/**
 * The fields one read fetches with HMGET, in order: the requested features, then the event-time
 * field of every view of the entity (these tell "unknown id" from "known, feature unset").
 */
export class ReadPlan {
  readonly fields: readonly string[];

  private constructor(
    readonly entity: EntityDefinition,
    private readonly features: readonly FeatureDefinition[],
  ) {
    this.fields = [...features.map((feature) => feature.name), ...entity.views.map((view) => eventTimeField(view.name))];
  }

  /** @throws FeatureStoreError `UNKNOWN_FEATURE` naming the first feature the entity lacks. */
  static of(entity: EntityDefinition, featureNames?: readonly string[]): ReadPlan {
    if (featureNames === undefined) return new ReadPlan(entity, entity.features);
    const features = featureNames.map((name) => {
      const feature = entity.features.find((candidate) => candidate.name === name);
      if (!feature) {
        throw new FeatureStoreError(
          FeatureStoreErrorCode.UnknownFeature,
          `Unknown feature "${name}" for entity "${entity.name}"`,
          { field: name },
        );
      }
      return feature;
    });
    return new ReadPlan(entity, features);
  }

  /** Decodes an HMGET reply (positional, in `fields` order); null when the id is unknown. */
  decode(id: string, reply: readonly (string | null)[]): EntityRecord | null {
    if (reply.every((raw) => raw === null)) return null;
    const features: Record<string, FeatureValue> = {};
    this.features.forEach((feature, index) => {
      features[feature.name] = decodeValue(feature, reply[index] ?? null);
    });
    const eventTimes: Record<string, number | null> = {};
    this.entity.views.forEach((view, index) => {
      const raw = reply[this.features.length + index] ?? null;
      eventTimes[view.name] = raw === null ? null : Number(raw);
    });
    return { id, features, eventTimes };
  }
}
