export const FEATURE_TYPES = ['int', 'float', 'string', 'bool', 'timestamp', 'float_vector'] as const;

/** The declared type of a feature; it decides how a value is validated, stored and returned. */
export type FeatureType = (typeof FEATURE_TYPES)[number];

export interface FeatureDefinition {
  readonly name: string;
  readonly type: FeatureType;
  /** The view that declares the feature. */
  readonly view: string;
  /** For `float_vector`: the required length, when declared. */
  readonly dimension: number | null;
  /** Typical values declared in the registry (already checked against the type), or null. */
  readonly examples: readonly unknown[] | null;
}

export interface ViewDefinition {
  readonly name: string;
  readonly entity: string;
  /** Features older than this (by the view's event time) are served as expired; null: never. */
  readonly maxAgeMs: number | null;
  /** The hash field holding the event time (epoch ms) of the view's last row. */
  readonly eventTimeField: string;
  readonly features: readonly FeatureDefinition[];
}

export interface EntityDefinition {
  readonly name: string;
  readonly idPattern: RegExp;
  readonly idMaxLength: number;
  /** Expiry (ms) that every accepted write sets on the entity's hash; null: the hash never expires. */
  readonly ttlMs: number | null;
  readonly views: readonly ViewDefinition[];
  /** Every feature of every view of the entity, in declaration order. Names are unique per entity. */
  readonly features: readonly FeatureDefinition[];
}
