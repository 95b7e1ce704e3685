import { toEpochMs } from '../codec/codec';
import type { JoinKeyValue } from '../keys/entity-key';
import type { WriteRow } from '../write/row-encoder';

/**
 * A stream entry of a feature view, as any producer writes it with XADD:
 *   id        the entity id; or, instead, one field per join key of the view's entities, by
 *             name (`driver_id`, `customer_id`): a composite key needs them
 *   ts        event time: epoch ms or ISO-8601 (UTC unless it has an offset); when absent, the
 *             time of the entry id (receipt)
 *   features  a JSON object of feature values, typed as the registry declares them
 */
export const STREAM_FIELDS = { id: 'id', ts: 'ts', features: 'features' } as const;

/** The fields of a row as XADD arguments (field, value, ...). */
export function toStreamFields(row: WriteRow): string[] {
  const ts = row.eventTime instanceof Date ? row.eventTime.getTime() : row.eventTime;
  const key = typeof row.id === 'object' ? Object.entries(row.id).flatMap(([name, value]) => [name, String(value)]) : [STREAM_FIELDS.id, String(row.id)];
  return [...key, STREAM_FIELDS.ts, String(ts), STREAM_FIELDS.features, JSON.stringify(row.features)];
}

/** A row read from a stream entry, or the reason it can never be applied. */
export type ParsedEntry = { readonly row: WriteRow } | { readonly reason: string };

/** Parses an entry's flat field list; the entry id ("<ms>-<seq>") dates rows without `ts`. */
export function parseStreamEntry(entryId: string, fields: readonly string[]): ParsedEntry {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);

  const key: Record<string, JoinKeyValue> = {};
  for (const [name, value] of values) if (name !== STREAM_FIELDS.ts && name !== STREAM_FIELDS.features) key[name] = value;
  const id = values.get(STREAM_FIELDS.id) ?? (Object.keys(key).length > 0 ? key : undefined);
  if (id === undefined) return { reason: 'id: missing' };

  const rawTs = values.get(STREAM_FIELDS.ts);
  const eventTime =
    rawTs === undefined ? Number(entryId.split('-')[0]) : /^\d+$/.test(rawTs) ? toEpochMs(Number(rawTs)) : toEpochMs(rawTs);
  if (eventTime === undefined) return { reason: `ts: expected epoch milliseconds or an ISO-8601 date-time, got ${JSON.stringify(rawTs)}` };

  const rawFeatures = values.get(STREAM_FIELDS.features);
  if (rawFeatures === undefined) return { reason: 'features: missing' };
  let features: unknown;
  try {
    features = JSON.parse(rawFeatures);
  } catch (error) {
    return { reason: `features: invalid JSON (${(error as Error).message})` };
  }
  if (features === null || typeof features !== 'object' || Array.isArray(features)) {
    return { reason: 'features: expected a JSON object' };
  }
  return { row: { id, eventTime, features: features as Record<string, unknown> } };
}
