/**
 * The registry as types: what `feature-store-codegen` writes for a registry file, and how the
 * client turns it into the types of what it sends and receives. A client without a generated
 * schema (`new FeatureStoreClient(...)`) uses `AnyRegistry`: any name, values of any feature type.
 */

/** A feature's declared type (the registry's `type`). */
export type FeatureTypeName = 'int' | 'float' | 'string' | 'bool' | 'timestamp' | 'float_vector';

/** An entity's join key type: a string id, or an integer (a JSON number). */
export type JoinKeyTypeName = 'string' | 'int';

export type EntitySchema = {
  /** The name its id goes by in entity rows (`user_id`, `driver_id`). */
  readonly joinKey: string;
  readonly joinKeyType: JoinKeyTypeName;
  /** The features of the views keyed by this entity alone: what an entity read returns. */
  readonly features: { readonly [feature: string]: FeatureTypeName };
};

export type ViewSchema = {
  /** The entities the view is keyed by, in key order: one, or several for a composite key. */
  readonly entities: readonly string[];
  readonly features: { readonly [feature: string]: FeatureTypeName };
};

export type FeatureServiceSchema = {
  readonly version: number;
  /** Its features as `"view:feature"`, in the order the API answers them (a whole view expanded). */
  readonly features: readonly string[];
};

/** A registry's entities, views and feature services. */
export type RegistrySchema = {
  readonly entities: { readonly [entity: string]: EntitySchema };
  readonly views: { readonly [view: string]: ViewSchema };
  readonly featureServices: { readonly [service: string]: FeatureServiceSchema };
};

/** Any registry: the schema of a client without generated types. */
export type AnyRegistry = RegistrySchema;

/** A value as the API serves it: int and float are numbers, a timestamp is ISO-8601 text (UTC). */
export type ReadValue<T extends FeatureTypeName> = T extends 'int' | 'float'
  ? number
  : T extends 'string' | 'timestamp'
    ? string
    : T extends 'bool'
      ? boolean
      : number[];

/** A value as a push accepts it: a timestamp may also be epoch milliseconds or a Date. */
export type WriteValue<T extends FeatureTypeName> = T extends 'timestamp' ? string | number | Date : T extends 'float_vector' ? readonly number[] : ReadValue<T>;

/** The id of an entity: a string, or a number for an `int` join key. */
export type JoinKeyValue<T extends JoinKeyTypeName = JoinKeyTypeName> = T extends 'int' ? number : string;

export type EntityName<S extends RegistrySchema> = keyof S['entities'] & string;
export type ViewName<S extends RegistrySchema> = keyof S['views'] & string;
export type FeatureServiceName<S extends RegistrySchema> = keyof S['featureServices'] & string;

/** The id of one of the entity's rows. */
export type EntityId<S extends RegistrySchema, E extends EntityName<S>> = JoinKeyValue<S['entities'][E]['joinKeyType']>;

/** An entity's feature names. */
export type EntityFeatureName<S extends RegistrySchema, E extends EntityName<S>> = keyof S['entities'][E]['features'] & string;

/** An entity's features as `get` and `getMany` resolve them: each null when unset or expired. */
export type EntityFeatures<S extends RegistrySchema, E extends EntityName<S>, F extends EntityFeatureName<S, E> = EntityFeatureName<S, E>> = {
  [Name in F]: ReadValue<S['entities'][E]['features'][Name]> | null;
};

/** The join keys of a view's row by name: `{ driver_id: number, customer_id: string }`. */
export type ViewKey<S extends RegistrySchema, V extends ViewName<S>> = {
  [E in S['views'][V]['entities'][number] & EntityName<S> as S['entities'][E]['joinKey']]: EntityId<S, E>;
};

/**
 * Which row of a view a pushed row is about: the entity's id for a view keyed by one entity (or
 * its join key object), the object of join keys for a composite key.
 */
export type ViewRowId<S extends RegistrySchema, V extends ViewName<S>> = number extends S['views'][V]['entities']['length']
  ? JoinKeyValue | Readonly<Record<string, JoinKeyValue>>
  : S['views'][V]['entities'] extends readonly [infer E extends EntityName<S>]
    ? EntityId<S, E> | Readonly<ViewKey<S, V>>
    : Readonly<ViewKey<S, V>>;

/** One row of a view to push. */
export interface PushRow<S extends RegistrySchema = AnyRegistry, V extends ViewName<S> = ViewName<S>> {
  readonly id: ViewRowId<S, V>;
  /** When the values were true: a Date, ISO-8601 text or epoch ms; the time of receipt if left out. */
  readonly eventTime?: Date | string | number;
  /** Values by feature: a feature left out is untouched, one set to null is deleted. */
  readonly features: { readonly [F in keyof S['views'][V]['features']]?: WriteValue<S['views'][V]['features'][F]> | null };
}

/** A feature of a view, as a model-centric read names it: `"view:feature"`. */
export type FeatureRef<S extends RegistrySchema> = {
  [V in ViewName<S>]: `${V}:${keyof S['views'][V]['features'] & string}`;
}[ViewName<S>];

type ViewOfRef<R> = R extends `${infer V}:${string}` ? V : never;

/** The value type of a `"view:feature"` column, null when unset, expired or not found. */
export type RefValue<S extends RegistrySchema, R> = R extends `${infer V extends ViewName<S>}:${infer F}`
  ? ReadValue<S['views'][V]['features'][F]> | null
  : never;

/** The values of a row of a model-centric read, one per column, in column order. */
export type RefValues<S extends RegistrySchema, Refs extends readonly string[]> = { -readonly [I in keyof Refs]: RefValue<S, Refs[I]> };

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;
type Flatten<T> = { [K in keyof T]: T[K] };

/** An entity row of a model-centric read: every join key that the columns' views need. */
export type EntityRow<S extends RegistrySchema, Refs extends readonly string[]> = string extends ViewOfRef<Refs[number]>
  ? Readonly<Record<string, JoinKeyValue>>
  : Readonly<Flatten<UnionToIntersection<ViewOfRef<Refs[number]> extends infer V ? (V extends ViewName<S> ? ViewKey<S, V> : never) : never>>>;

/** The columns of a feature service, in order. */
export type FeatureServiceRefs<S extends RegistrySchema, N extends FeatureServiceName<S>> = S['featureServices'][N]['features'];

/** Each feature's status in a model-centric read. */
export type FeatureStatus = 'PRESENT' | 'NULL_VALUE' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE' | 'INVALID';

/** One entity row of a model-centric read: its key and, aligned with the columns, values, statuses and event times. */
export interface OnlineFeatureRow<Values extends readonly unknown[], Key> {
  /** The join keys of the row, as requested. */
  readonly key: Key;
  readonly values: Values;
  readonly statuses: readonly FeatureStatus[];
  /** ISO-8601 event time of each value's row (UTC); null when not found. */
  readonly eventTimes: readonly (string | null)[];
}

/** What a model-centric read resolves with. */
export interface OnlineFeatures<Refs extends readonly string[], Values extends readonly unknown[], Key> {
  /** `"view:feature"` of each column. */
  readonly features: Refs;
  /** The feature service read, when one was named. */
  readonly featureService: { readonly name: string; readonly version: number } | null;
  /** One per entity row, in request order. */
  readonly results: readonly OnlineFeatureRow<Values, Key>[];
}
