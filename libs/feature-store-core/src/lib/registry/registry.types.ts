export const FEATURE_TYPES = ['int', 'float', 'string', 'bool', 'timestamp', 'float_vector'] as const;

/** The declared type of a feature; it decides how a value is validated, stored and returned. */
export type FeatureType = (typeof FEATURE_TYPES)[number];

export const JOIN_KEY_TYPES = ['string', 'int'] as const;

/** The type of an entity's join key: a string id, or an integer (a JSON number, safe integers only). */
export type JoinKeyType = (typeof JOIN_KEY_TYPES)[number];

export interface FeatureDefinition {
  readonly name: string;
  readonly type: FeatureType;
  /** The view that declares the feature. */
  readonly view: string;
  /** For `float_vector`: the required length, when declared. */
  readonly dimension: number | null;
  /** For `string`: the longest value accepted on write, in UTF-16 code units. */
  readonly maxLength: number | null;
  /** Typical values declared in the registry (already checked against the type), or null. */
  readonly examples: readonly unknown[] | null;
  readonly description: string | null;
}

export interface ViewDefinition {
  readonly name: string;
  /** The key space of the view: its entity's name, or its entities' names joined by "+". */
  readonly entity: string;
  /** The entities the view is keyed by, in declared order (one, or several for a composite key). */
  readonly entities: readonly string[];
  readonly description: string | null;
  /** Features older than this (by the view's event time) are served as expired; null: never. */
  readonly maxAgeMs: number | null;
  /** The hash field holding the event time (epoch ms) of the view's last row. */
  readonly eventTimeField: string;
  readonly features: readonly FeatureDefinition[];
  /** Its hashes are served from the process's memory (`near_cache`); null: read from Redis every time. */
  readonly nearCache: NearCacheDefinition | null;
}

/** A near-cache as the registry declares it (see `NearCache`). */
export interface NearCacheDefinition {
  /** Hashes held per process. */
  readonly maxEntries: number;
}

/**
 * The entities a set of views is keyed by, and those views: each key value (one id, or one id
 * per entity) is one Redis hash holding the features of all of them.
 */
export interface KeySpaceDefinition {
  /** The entity's name, or the entities' names joined by "+" ("driver+customer"). */
  readonly name: string;
  /** In key order: the order the views keyed by them declare. */
  readonly entities: readonly EntityDefinition[];
  /** Expiry (ms) that every accepted write sets on a hash; null: hashes never expire. */
  readonly ttlMs: number | null;
  readonly views: readonly ViewDefinition[];
  /** Every feature of every view of the key space, in declaration order. Names are unique here. */
  readonly features: readonly FeatureDefinition[];
  /**
   * The near-cache of the key space's hashes, which its views declare alike (a hash holds every
   * view of the key space, and is cached whole); null when they declare none.
   */
  readonly nearCache: NearCacheDefinition | null;
}

/** An entity is also the key space of the views keyed by it alone. */
export interface EntityDefinition extends KeySpaceDefinition {
  readonly description: string | null;
  /** The name its id goes by in entity rows and files (`user_id`, `driver_id`). */
  readonly joinKey: string;
  readonly joinKeyType: JoinKeyType;
  /** For string join keys: the pattern every id matches. */
  readonly idPattern: RegExp;
  /** For string join keys: the longest id. */
  readonly idMaxLength: number;
}

/** A feature of a view, as a model-centric read names it ("view:feature"). */
export interface FeatureReference {
  readonly view: ViewDefinition;
  readonly feature: FeatureDefinition;
  /** The view's key space. */
  readonly space: KeySpaceDefinition;
}

/** A named, versioned set of features (what one model version was trained on). */
export interface FeatureServiceDefinition {
  readonly name: string;
  readonly version: number;
  readonly description: string | null;
  /** In declared order; a whole view stands for each of its features. */
  readonly features: readonly FeatureReference[];
}

/** A name that Feast-style pushes use for a view. */
export interface PushSourceDefinition {
  readonly name: string;
  readonly view: string;
  readonly description: string | null;
}
