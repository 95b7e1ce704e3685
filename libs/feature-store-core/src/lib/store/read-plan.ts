import { type FeatureValue, decodeValue } from '../codec/codec';
import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import type { EntityDefinition, FeatureDefinition } from '../registry/registry.types';

/** Integers of at most 15 digits: always safe, and already JSON. */
const SAFE_INT_TEXT = /^-?(0|[1-9]\d{0,14})$/;
/** The JSON number grammar (no NaN, Infinity, ".5" or "5."). */
const JSON_NUMBER_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Stored values as Redis returned them, positional: a string, or null (HMGET) / false (the
 * batch script's JSON) for a missing field.
 */
export type RawValues = readonly (string | null | false)[];

/** Told the event time (epoch ms) of each view of each entity served, e.g. to measure freshness. */
export type EventTimeListener = (view: string, eventTimeMs: number) => void;

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
  /** For each requested feature, `"name":` as JSON, prefixed with "," but for the first. */
  private readonly jsonKeys: readonly string[];

  private constructor(
    readonly entity: EntityDefinition,
    private readonly features: readonly FeatureDefinition[],
  ) {
    this.fields = [...features.map((feature) => feature.name), ...entity.views.map((view) => view.eventTimeField)];
    this.viewIndexes = features.map((feature) => entity.views.findIndex((view) => view.name === feature.view));
    this.jsonKeys = features.map((feature, index) => `${index === 0 ? '' : ','}${JSON.stringify(feature.name)}:`);
  }

  /**
   * A repeated name is read once (the result has one key per feature).
   * @throws FeatureStoreError `UNKNOWN_FEATURE` naming the first feature the entity lacks.
   */
  static of(entity: EntityDefinition, featureNames?: readonly string[]): ReadPlan {
    if (featureNames === undefined) return new ReadPlan(entity, entity.features);
    const features = [...new Set(featureNames)].map((name) => {
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
   * The `features` object of one id as JSON text (null when the id is unknown), written straight
   * from the stored text: a stored int or float already is JSON number text, so the common case
   * builds no intermediate value. Same values, expiry and errors as `decode`.
   */
  encodeJson(reply: RawValues, now: number, onEventTime?: EventTimeListener): string | null {
    const expired = this.expiredViews(reply, now);
    if (expired === null) return null;
    if (onEventTime) {
      this.entity.views.forEach((view, index) => {
        const raw = rawAt(reply, this.features.length + index);
        if (raw !== null) onEventTime(view.name, Number(raw));
      });
    }
    let json = '{';
    for (let index = 0; index < this.features.length; index++) {
      const feature = this.features[index]!;
      const raw = rawAt(reply, index);
      json += this.jsonKeys[index];
      if (raw === null || expired[this.viewIndexes[index]!]) json += 'null';
      else if (feature.type === 'string') json += JSON.stringify(raw);
      else if ((feature.type === 'int' && SAFE_INT_TEXT.test(raw)) || (feature.type === 'float' && JSON_NUMBER_TEXT.test(raw))) json += raw;
      else json += JSON.stringify(decodeValue(feature, raw));
    }
    return `${json}}`;
  }

  /** Per view, whether its row is expired; null when every value is missing (unknown id). */
  private expiredViews(reply: RawValues, now: number): boolean[] | null {
    let found = false;
    for (let i = 0; i < this.fields.length; i++) {
      const raw = reply[i];
      if (raw !== null && raw !== false && raw !== undefined) {
        found = true;
        break;
      }
    }
    if (!found) return null;
    return this.entity.views.map((view, index) => {
      const raw = rawAt(reply, this.features.length + index);
      return view.maxAgeMs !== null && raw !== null && now - Number(raw) > view.maxAgeMs;
    });
  }

  /**
   * Decodes the values of one id, positional in `fields` order (an HMGET reply, or one id's entry
   * of the batch script's reply), as of `now` (epoch ms); null when the id is unknown.
   */
  decode(id: string, reply: RawValues, now: number): EntityRecord | null {
    const expiredViews = this.expiredViews(reply, now);
    if (expiredViews === null) return null;
    const eventTimes: Record<string, number | null> = {};
    const expired: string[] = [];
    this.entity.views.forEach((view, index) => {
      const raw = rawAt(reply, this.features.length + index);
      eventTimes[view.name] = raw === null ? null : Number(raw);
      if (expiredViews[index]) expired.push(view.name);
    });
    const features: Record<string, FeatureValue> = {};
    this.features.forEach((feature, index) => {
      features[feature.name] = expiredViews[this.viewIndexes[index]!]
        ? null
        : decodeValue(feature, rawAt(reply, index));
    });
    return { id, features, eventTimes, expired };
  }
}

/** The value at `index`, null when missing. An empty string is a value (a string feature may be ""). */
function rawAt(reply: RawValues, index: number): string | null {
  const raw = reply[index];
  return raw === undefined || raw === false ? null : raw;
}
