import { ApiProperty } from '@nestjs/swagger';
import { IsArray, IsObject } from 'class-validator';

/** One row as pushed: `event_ts` (ISO-8601 or epoch ms) defaults to the time of receipt. */
export interface PushRow {
  readonly id?: unknown;
  readonly event_ts?: unknown;
  readonly features?: unknown;
}

/** POST /v1/push/:view; each row is checked against the registry by the store. */
export class PushRequestDto {
  @ApiProperty({
    description: 'Rows {"id", "event_ts"?: ISO-8601 or epoch ms, "features": {...}}; 1 to PUSH_MAX_ROWS',
    example: [{ id: 'user00001', event_ts: '2026-11-27T12:00:00Z', features: { age: 35 } }],
    type: 'array',
    items: { type: 'object' },
  })
  @IsObject({ each: true, message: 'rows: every row is an object {"id", "event_ts", "features"}' })
  @IsArray({ message: 'rows: expected an array of rows' })
  rows!: PushRow[];
}
