/** Every failure the library reports carries one of these codes; applications map them to HTTP. */
export enum FeatureStoreErrorCode {
  /** The registry file is missing, unparsable or inconsistent. */
  InvalidRegistry = 'INVALID_REGISTRY',
  /** The entity name is not declared in the registry. */
  UnknownEntity = 'UNKNOWN_ENTITY',
  /** The feature view name is not declared in the registry. */
  UnknownView = 'UNKNOWN_VIEW',
  /** A requested feature is not declared for the entity. */
  UnknownFeature = 'UNKNOWN_FEATURE',
  /** An entity id breaks the entity's id rules. */
  InvalidId = 'INVALID_ID',
  /** A row to write does not match the registry (type, range, missing id ...). */
  InvalidRow = 'INVALID_ROW',
  /** A value stored in Redis cannot be decoded as its declared type. */
  CorruptValue = 'CORRUPT_VALUE',
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
 * Runs `run`; a FeatureStoreError it throws is re-thrown with `label` before its message and
 * `row` in its location, so that batch callers learn which element was at fault.
 */
export function atRow<T>(row: number, label: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof FeatureStoreError) {
      throw new FeatureStoreError(error.code, `${label}: ${error.message}`, { ...error.location, row });
    }
    throw error;
  }
}
