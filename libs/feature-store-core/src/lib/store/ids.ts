import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import type { EntityDefinition } from '../registry/registry.types';

/**
 * @throws FeatureStoreError `INVALID_ID` when `id` is not a string of 1 to `idMaxLength`
 * characters matching the entity's id pattern.
 */
export function validateId(entity: Pick<EntityDefinition, 'name' | 'idPattern' | 'idMaxLength'>, id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > entity.idMaxLength || !entity.idPattern.test(id)) {
    const shown = typeof id === 'string' ? JSON.stringify(id.length > 64 ? `${id.slice(0, 64)}...` : id) : typeof id;
    throw new FeatureStoreError(
      FeatureStoreErrorCode.InvalidId,
      `Invalid ${entity.name} id ${shown}: expected 1 to ${entity.idMaxLength} characters matching ${entity.idPattern.source}`,
      { field: 'id' },
    );
  }
  return id;
}
