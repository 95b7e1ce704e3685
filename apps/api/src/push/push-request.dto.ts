import { ApiProperty } from '@nestjs/swagger';
import { ApiError } from '../errors/api-error';

/** One row as pushed: `event_ts` (ISO-8601 or epoch ms) defaults to the time of receipt. */
export interface PushRow {
  readonly id?: unknown;
  readonly event_ts?: unknown;
  readonly features?: unknown;
}

/**
 * POST /v1/push/:view, as documented. The body is checked by `pushRows`, not by the global
 * ValidationPipe: class-transformer rebuilds nested objects and drops keys such as `toString` or
 * `constructor`, which would let an unknown feature slip past the store's own row validation.
 */
export class PushRequestDto {
  @ApiProperty({
    description: 'Rows {"id", "event_ts"?: ISO-8601 or epoch ms, "features": {...}}; 1 to PUSH_MAX_ROWS',
    example: [{ id: 'user00001', event_ts: '2026-11-27T12:00:00Z', features: { age: 35 } }],
    type: 'array',
    items: { type: 'object' },
  })
  rows!: PushRow[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The rows of a push body, as sent.
 * @throws ApiError 400 unless the body is `{"rows": [objects...]}` with 1 to `maxRows` rows.
 */
export function pushRows(body: unknown, maxRows: number): PushRow[] {
  const rows = isObject(body) ? body['rows'] : undefined;
  if (!Array.isArray(rows)) throw new ApiError(400, 'BAD_REQUEST', 'rows: expected an array of rows');
  if (!rows.every(isObject)) {
    throw new ApiError(400, 'BAD_REQUEST', 'rows: every row is an object {"id", "event_ts", "features"}');
  }
  if (rows.length < 1 || rows.length > maxRows) {
    throw new ApiError(400, 'INVALID_BATCH_SIZE', `rows: expected between 1 and ${maxRows} rows, got ${rows.length}`);
  }
  return rows;
}
