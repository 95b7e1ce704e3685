import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import type { EntityDefinition, KeySpaceDefinition } from '../registry/registry.types';
import { compositeId } from './key-schema';

/** The id of one entity: a string, or an integer for an entity whose join key is an `int`. */
export type JoinKeyValue = string | number;

/**
 * Which entity a row is about: its id, for a view keyed by one entity; or the id of each entity
 * by join key name (`{ driver_id: 1001, customer_id: "c42" }`), for any view.
 */
export type EntityKey = JoinKeyValue | Readonly<Record<string, JoinKeyValue>>;

/** Canonical decimal integers: "7", "-12"; not "07", "+7" or "7.0". */
const INTEGER_TEXT = /^-?(0|[1-9]\d*)$/;

/**
 * The id text of one entity's id: a string id checked against the entity's rules, an integer as
 * its canonical decimal text (a JSON number, or text such as a CSV cell holds).
 * @throws FeatureStoreError `INVALID_ID`, the field being `field`.
 */
export function entityIdText(entity: EntityDefinition, id: unknown, field = 'id'): string {
  if (entity.joinKeyType === 'int') {
    const value = typeof id === 'string' && INTEGER_TEXT.test(id) ? Number(id) : id;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    throw new FeatureStoreError(
      FeatureStoreErrorCode.InvalidId,
      `Invalid ${entity.name} id ${shown(id)}: expected an integer (${entity.joinKey} is an int)`,
      { field },
    );
  }
  if (typeof id !== 'string' || id.length === 0 || id.length > entity.idMaxLength || !entity.idPattern.test(id)) {
    throw new FeatureStoreError(
      FeatureStoreErrorCode.InvalidId,
      `Invalid ${entity.name} id ${shown(id)}: expected 1 to ${entity.idMaxLength} characters matching ${entity.idPattern.source}`,
      { field },
    );
  }
  return id;
}

/**
 * The <id> of a key in a key space (see `KeySchema`): for one entity, its id text; for several,
 * their ids joined by `compositeId`. An object key names each id by join key; other keys of it are
 * ignored (an entity row may carry the join keys of other views).
 * @throws FeatureStoreError `INVALID_ID` naming the join key at fault.
 */
export function keyId(space: KeySpaceDefinition, key: unknown): string {
  const { entities } = space;
  if (key === null || typeof key !== 'object') {
    if (entities.length === 1) return entityIdText(entities[0]!, key);
    throw new FeatureStoreError(
      FeatureStoreErrorCode.InvalidId,
      `Invalid ${space.name} key ${shown(key)}: expected an object with ${entities.map((entity) => entity.joinKey).join(' and ')}`,
      { field: 'id' },
    );
  }
  const values = key as Record<string, unknown>;
  const ids = entities.map((entity) => {
    if (!Object.prototype.hasOwnProperty.call(values, entity.joinKey)) {
      throw new FeatureStoreError(FeatureStoreErrorCode.InvalidId, `Missing join key ${entity.joinKey} of entity "${entity.name}"`, {
        field: entity.joinKey,
      });
    }
    return entityIdText(entity, values[entity.joinKey], entity.joinKey);
  });
  return entities.length === 1 ? ids[0]! : compositeId(ids);
}

function shown(id: unknown): string {
  if (typeof id === 'string') return JSON.stringify(id.length > 64 ? `${id.slice(0, 64)}...` : id);
  return typeof id === 'number' ? String(id) : typeof id;
}
