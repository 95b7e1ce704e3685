import { type FeatureValue, decodeValue } from '../codec/codec';
import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import { eventTimeField } from '../keys/key-schema';
import type { EntityDefinition, FeatureDefinition } from '../registry/registry.types';

/** What a read returns for an entity id that exists. */
export interface EntityRecord {
  readonly id: string;
  /** The requested features by name, typed by the registry; null where unset or expired. */
  readonly features: Record<string, FeatureValue>;
  /** Per view of the entity: event time (epoch ms) of the last row written, or null. */
  readonly eventTimes: Record<string, number | null>;
  /**
   * Views of the entity whose last row is older than their `max_age`: their features are
   * returned as null (the stored values are not served).
   */
  readonly expired: readonly string[];
}

/**
 * The fields one read fetches with HMGET, in order: the requested features, then the event-time
 * field of every view of the entity (these tell "unknown id" from "known, feature unset", and
 * decide expiry).
 */
export class ReadPlan {
  readonly fields: readonly string[];
  /** For each requested feature, the index of its view in `entity.views`. */
  private readonly viewIndexes: readonly number[];

  private constructor(
    readonly entity: EntityDefinition,
    private readonly features: readonly FeatureDefinition[],
  ) {
    this.fields = [...features.map((feature) => feature.name), ...entity.views.map((view) => eventTimeField(view.name))];
    this.viewIndexes = features.map((feature) => entity.views.findIndex((view) => view.name === feature.view));
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

  /**
   * Decodes an HMGET reply (positional, in `fields` order) as of `now` (epoch ms); null when the
   * id is unknown.
   */
  decode(id: string, reply: readonly (string | null)[], now: number): EntityRecord | null {
    if (reply.every((raw) => raw === null)) return null;
    const { views } = this.entity;
    const eventTimes: Record<string, number | null> = {};
    const expiredViews: boolean[] = [];
    const expired: string[] = [];
    views.forEach((view, index) => {
      const raw = reply[this.features.length + index] ?? null;
      const eventTime = raw === null ? null : Number(raw);
      eventTimes[view.name] = eventTime;
      const isExpired = view.maxAgeMs !== null && eventTime !== null && now - eventTime > view.maxAgeMs;
      expiredViews.push(isExpired);
      if (isExpired) expired.push(view.name);
    });
    const features: Record<string, FeatureValue> = {};
    this.features.forEach((feature, index) => {
      features[feature.name] = expiredViews[this.viewIndexes[index]!] ? null : decodeValue(feature, reply[index] ?? null);
    });
    return { id, features, eventTimes, expired };
  }
}
