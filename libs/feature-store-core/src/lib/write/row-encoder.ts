import { encodeValue, toEpochMs } from '../codec/codec';
import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import type { BackendRow } from '../backend/backend';
import { type EntityKey, keyId } from '../keys/entity-key';
import type { KeySchema } from '../keys/key-schema';
import type { FeatureDefinition, KeySpaceDefinition, ViewDefinition } from '../registry/registry.types';

/** One row of a feature view to write. */
export interface WriteRow {
  /** The entity the row is about: its id, or the id of each entity of the view by join key. */
  readonly id: EntityKey;
  /** When the values were true: epoch ms, a Date or an ISO-8601 string (UTC unless it has an offset). */
  readonly eventTime: number | Date | string;
  /** Values by feature name; a feature left out is untouched, a feature set to null is deleted. */
  readonly features: Readonly<Record<string, unknown>>;
}

/**
 * A function that checks one row of the view and encodes it for the backend.
 * @throws FeatureStoreError `INVALID_ROW` / `INVALID_ID` naming the field.
 */
export function rowEncoder(space: KeySpaceDefinition, view: ViewDefinition, keys: KeySchema): (row: WriteRow) => BackendRow {
  const features = new Map<string, FeatureDefinition>(view.features.map((feature) => [feature.name, feature]));
  return (row) => {
    if (row === null || typeof row !== 'object') {
      throw new FeatureStoreError(FeatureStoreErrorCode.InvalidRow, 'a row is an object with id, eventTime and features');
    }
    const id = keyId(space, row.id);
    const eventTimeMs = toEpochMs(row.eventTime instanceof Date ? row.eventTime.getTime() : row.eventTime);
    if (eventTimeMs === undefined) {
      throw new FeatureStoreError(FeatureStoreErrorCode.InvalidRow, 'event time: expected epoch milliseconds or an ISO-8601 date-time', {
        field: 'event_ts',
      });
    }
    if (row.features === null || typeof row.features !== 'object' || Array.isArray(row.features)) {
      throw new FeatureStoreError(FeatureStoreErrorCode.InvalidRow, 'features: expected an object', { field: 'features' });
    }
    const set: string[] = [];
    const unset: string[] = [];
    for (const [name, value] of Object.entries(row.features)) {
      const feature = features.get(name);
      if (!feature) {
        throw new FeatureStoreError(FeatureStoreErrorCode.InvalidRow, `Unknown feature "${name}" for view "${view.name}"`, { field: name });
      }
      if (value === null) unset.push(name);
      else set.push(name, encodeValue(feature, value));
    }
    return { id, hash: keys.entityHash(space.name, id), index: keys.entityIndexOf(space.name, id), eventTimeMs, set, unset };
  };
}
