import type { WriteRow } from '@feature-store/core';
import { ApiError } from '../errors/api-error';
import type { JsonSchema } from '../http/route';

/** One row as pushed: `event_ts` (ISO-8601 or epoch ms) defaults to the time of receipt. */
export interface PushRow {
  readonly id?: unknown;
  readonly event_ts?: unknown;
  readonly features?: unknown;
}

/** POST /v1/push/{view}, as documented. */
export const PUSH_BODY: JsonSchema = {
  type: 'object',
  properties: {
    rows: {
      type: 'array',
      minItems: 1,
      description: 'Rows {"id", "event_ts"?: ISO-8601 or epoch ms, "features": {...}}; 1 to PUSH_MAX_ROWS',
      example: [{ id: 'user00001', event_ts: '2026-11-27T12:00:00Z', features: { age: 35 } }],
      items: {
        type: 'object',
        properties: {
          id: { type: ['string', 'integer', 'object'], description: 'the entity id; an object of join keys for a composite key' },
          event_ts: { type: ['string', 'integer', 'null'] },
          features: { type: 'object' },
        },
      },
    },
  },
  required: ['rows'],
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The rows of a push body, as sent.
 * @throws ApiError 400 unless the body is `{"rows": [objects...]}` with 1 to `maxRows` rows.
 */
export function pushRows(body: unknown, maxRows: number): PushRow[] {
  const rows = isObject(body) ? body['rows'] : undefined;
  if (!Array.isArray(rows)) throw new ApiError(400, 'BAD_REQUEST', 'rows: expected an array of rows');
  if (rows.length < 1 || rows.length > maxRows) {
    throw new ApiError(400, 'INVALID_BATCH_SIZE', `rows: expected between 1 and ${maxRows} rows, got ${rows.length}`);
  }
  if (!rows.every(isObject)) {
    throw new ApiError(400, 'BAD_REQUEST', 'rows: every row is an object {"id", "event_ts", "features"}');
  }
  return rows;
}

/** Pushed rows as the store writes them: a missing or null `event_ts` is the time of receipt. */
export function toWriteRows(rows: readonly PushRow[], receivedAt: number): WriteRow[] {
  return rows.map(
    (row): WriteRow => ({
      id: row.id as WriteRow['id'],
      eventTime: row.event_ts === undefined || row.event_ts === null ? receivedAt : (row.event_ts as string | number),
      features: row.features as Record<string, unknown>,
    }),
  );
}
