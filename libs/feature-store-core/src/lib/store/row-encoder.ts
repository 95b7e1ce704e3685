import { encodeValue, toEpochMs } from '../codec/codec';
import { FeatureStoreError, FeatureStoreErrorCode, atRow } from '../errors';
import type { EntityDefinition, FeatureDefinition, ViewDefinition } from '../registry/registry.types';
import { validateId } from './ids';

/** One row of a feature view to write. */
export interface WriteRow {
  readonly id: string;
  /** When the values were true: epoch ms, a Date or an ISO-8601 string. */
  readonly eventTime: number | Date | string;
  /** Values by feature name; a feature left out is untouched, a feature set to null is deleted. */
  readonly features: Readonly<Record<string, unknown>>;
}

/** A row checked against the registry and encoded for the write script. */
export interface EncodedRow {
  readonly id: string;
  readonly eventTimeMs: number;
  /** Feature, value pairs to set, flattened. */
  readonly set: readonly string[];
  readonly unset: readonly string[];
}

/**
 * Checks and encodes every row before anything is written.
 * @throws FeatureStoreError `INVALID_ROW` / `INVALID_ID` with the row index and field.
 */
export function encodeRows(entity: EntityDefinition, view: ViewDefinition, rows: readonly WriteRow[]): EncodedRow[] {
  const encode = rowEncoder(entity, view);
  return rows.map((row, index) => atRow(index, `Row ${index}`, () => encode(row)));
}

/**
 * A function that checks and encodes one row of the view.
 * @throws FeatureStoreError `INVALID_ROW` / `INVALID_ID` naming the field.
 */
export function rowEncoder(entity: EntityDefinition, view: ViewDefinition): (row: WriteRow) => EncodedRow {
  const features = new Map<string, FeatureDefinition>(view.features.map((feature) => [feature.name, feature]));
  return (row) => encodeRow(entity, view, features, row);
}

function encodeRow(
  entity: EntityDefinition,
  view: ViewDefinition,
  features: ReadonlyMap<string, FeatureDefinition>,
  row: WriteRow,
): EncodedRow {
  if (row === null || typeof row !== 'object') {
    throw new FeatureStoreError(FeatureStoreErrorCode.InvalidRow, 'a row is an object with id, eventTime and features');
  }
  validateId(entity, row.id);
  const eventTimeMs = toEpochMs(row.eventTime instanceof Date ? row.eventTime.getTime() : row.eventTime);
  if (eventTimeMs === undefined) {
    throw new FeatureStoreError(
      FeatureStoreErrorCode.InvalidRow,
      'event time: expected epoch milliseconds or an ISO-8601 date-time',
      { field: 'event_ts' },
    );
  }
  if (row.features === null || typeof row.features !== 'object' || Array.isArray(row.features)) {
    throw new FeatureStoreError(FeatureStoreErrorCode.InvalidRow, 'features: expected an object', {
      field: 'features',
    });
  }
  const set: string[] = [];
  const unset: string[] = [];
  for (const [name, value] of Object.entries(row.features)) {
    const feature = features.get(name);
    if (!feature) {
      throw new FeatureStoreError(
        FeatureStoreErrorCode.InvalidRow,
        `Unknown feature "${name}" for view "${view.name}"`,
        { field: name },
      );
    }
    if (value === null) unset.push(name);
    else set.push(name, encodeValue(feature, value));
  }
  return { id: row.id, eventTimeMs, set, unset };
}
