import type { EntityKey, FeatureDefinition, JoinKeyValue, KeySpaceDefinition, ViewDefinition } from '@feature-store/core';
import { LoadFileError } from './source-record';

/** Event-time column names taken when none is given: Feast's, then this store's push field. */
export const DEFAULT_EVENT_TIME_COLUMNS: readonly string[] = ['event_timestamp', 'event_ts'];

/** What a column of an input file holds. */
export type ColumnRole =
  | { readonly kind: 'key'; readonly joinKey: string }
  /** The legacy `id` column of a view keyed by one entity. */
  | { readonly kind: 'id' }
  | { readonly kind: 'event-time' }
  | { readonly kind: 'feature'; readonly feature: FeatureDefinition }
  /** A column of no use to the view (Parquet only: offline tables carry other views' columns). */
  | { readonly kind: 'ignored' };

/** The view a load writes, and how its files name their columns. */
export interface ViewTarget {
  readonly view: ViewDefinition;
  readonly space: KeySpaceDefinition;
  /** The event-time column's name; by default the first of DEFAULT_EVENT_TIME_COLUMNS present. */
  readonly eventTimeColumn: string | undefined;
}

/**
 * The role of each column of a file, by name: the join key of each entity of the view (for a view
 * keyed by one entity, a legacy `id` column instead), the event-time column (optional: rows
 * without one are stamped with the time of receipt) and features of the view.
 * @param where names the file (and part) in errors
 * @param unknown `refuse` fails on a column that is none of these, `ignore` skips it
 * @throws LoadFileError naming the column at fault
 */
export function columnRoles(names: readonly string[], target: ViewTarget, where: string, unknown: 'refuse' | 'ignore'): ColumnRole[] {
  const { view, space } = target;
  const joinKeys = space.entities.map((entity) => entity.joinKey);
  const eventTime = eventTimeColumnOf(names, target, where);
  const seen = new Set<string>();
  const roles = names.map((name): ColumnRole => {
    if (seen.has(name)) throw new LoadFileError(`${where}: the column "${name}" appears twice`);
    seen.add(name);
    if (joinKeys.includes(name)) return { kind: 'key', joinKey: name };
    if (name === 'id' && joinKeys.length === 1) return { kind: 'id' };
    if (name === eventTime) return { kind: 'event-time' };
    const feature = view.features.find((candidate) => candidate.name === name);
    if (feature) return { kind: 'feature', feature };
    if (unknown === 'ignore') return { kind: 'ignored' };
    throw new LoadFileError(`${where}: "${name}" is not a feature of view "${view.name}"`);
  });
  if (joinKeys.length === 1 && seen.has('id') && seen.has(joinKeys[0]!)) {
    throw new LoadFileError(`${where}: both "id" and "${joinKeys[0]}" name the ${space.name}: keep one`);
  }
  const missing = space.entities.filter((entity) => !seen.has(entity.joinKey) && !(joinKeys.length === 1 && seen.has('id')));
  if (missing.length > 0) {
    const wanted = missing.map((entity) => `"${entity.joinKey}" (entity "${entity.name}")`).join(', ');
    throw new LoadFileError(`${where}: no join key column ${wanted}${joinKeys.length === 1 ? ' or "id"' : ''}`);
  }
  return roles;
}

function eventTimeColumnOf(names: readonly string[], target: ViewTarget, where: string): string | undefined {
  if (target.eventTimeColumn !== undefined) {
    if (!names.includes(target.eventTimeColumn)) {
      throw new LoadFileError(`${where}: no event-time column "${target.eventTimeColumn}" (--event-time-column)`);
    }
    return target.eventTimeColumn;
  }
  const present = DEFAULT_EVENT_TIME_COLUMNS.filter((name) => names.includes(name));
  if (present.length > 1) {
    throw new LoadFileError(`${where}: both ${present.map((name) => `"${name}"`).join(' and ')}: choose the event time with --event-time-column`);
  }
  return present[0];
}

/**
 * Builds the entity key of a row from its key cells: the legacy id as is, else an object of the
 * join key values (the core checks each against its entity and reports the one at fault).
 */
export class KeyBuilder {
  private legacy: unknown = undefined;
  private values: Record<string, JoinKeyValue> | null = null;

  set(role: { readonly kind: 'key'; readonly joinKey: string } | { readonly kind: 'id' }, value: unknown): void {
    if (role.kind === 'id') this.legacy = value;
    else (this.values ??= {})[role.joinKey] = value as JoinKeyValue;
  }

  /** The key built, and the builder emptied for the next row. */
  take(): EntityKey {
    const key = (this.values ?? this.legacy) as EntityKey;
    this.legacy = undefined;
    this.values = null;
    return key;
  }
}
