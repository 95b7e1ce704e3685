/** Every failure the library reports carries one of these codes; applications map them to HTTP. */
export enum FeatureStoreErrorCode {
  /** The registry file is missing, unparsable or inconsistent. */
  InvalidRegistry = 'INVALID_REGISTRY',
  /** The entity name is not declared in the registry. */
  UnknownEntity = 'UNKNOWN_ENTITY',
  /** The feature view name is not declared in the registry. */
  UnknownView = 'UNKNOWN_VIEW',
  /** A requested feature is not declared for the entity, or a feature reference is malformed. */
  UnknownFeature = 'UNKNOWN_FEATURE',
  /** The feature service name is not declared in the registry. */
  UnknownFeatureService = 'UNKNOWN_FEATURE_SERVICE',
  /** The push source name is not declared in the registry. */
  UnknownPushSource = 'UNKNOWN_PUSH_SOURCE',
  /** An entity id (join key value) breaks the entity's id rules, or an entity row lacks a join key. */
  InvalidId = 'INVALID_ID',
  /** A row to write does not match the registry (type, range, missing id ...). */
  InvalidRow = 'INVALID_ROW',
  /**
   * Data stored in Redis (by another writer) stops a write: the key holds another type than a
   * hash, or its stored event time is not a number. Reads never fail for it: they serve such
   * values and keys as invalid.
   */
  InvalidStoredData = 'INVALID_STORED_DATA',
  /** Redis answered a command with an error. */
  RedisError = 'REDIS_ERROR',
  /** A write was applied, but fewer replicas than required acknowledged it (see `durability`). */
  NotReplicated = 'NOT_REPLICATED',
}

/** Where in a request an error was found: the row index of a batch and the field name. */
export interface ErrorLocation {
  readonly row?: number;
  readonly field?: string;
}

export class FeatureStoreError extends Error {
  override readonly name = 'FeatureStoreError';

  constructor(
    readonly code: FeatureStoreErrorCode,
    message: string,
    readonly location: ErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * `map` of each item, in order. A FeatureStoreError it throws is re-thrown with `labelOf(row)`
 * before its message and `row` in its location, so that batch callers learn which element was at
 * fault; the label is made only then (nothing per item on the read and write paths).
 */
export function mapRows<T, R>(items: readonly T[], labelOf: (row: number) => string, map: (item: T) => R): R[] {
  const mapped = new Array<R>(items.length);
  let row = 0;
  try {
    for (; row < items.length; row++) mapped[row] = map(items[row]!);
  } catch (error) {
    throw locatedAt(error, row, labelOf(row));
  }
  return mapped;
}

/** A FeatureStoreError with `label` before its message and `row` in its location; any other error as it is. */
function locatedAt(error: unknown, row: number, label: string): unknown {
  if (!(error instanceof FeatureStoreError)) return error;
  return new FeatureStoreError(error.code, `${label}: ${error.message}`, { ...error.location, row });
}
