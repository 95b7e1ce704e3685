import { IsArray, IsObject } from 'class-validator';

/** One row as pushed: `event_ts` (ISO-8601 or epoch ms) defaults to the time of receipt. */
export interface PushRow {
  readonly id?: unknown;
  readonly event_ts?: unknown;
  readonly features?: unknown;
}

/** POST /v1/push/:view; each row is checked against the registry by the store. */
export class PushRequestDto {
  @IsObject({ each: true, message: 'rows: every row is an object {"id", "event_ts", "features"}' })
  @IsArray({ message: 'rows: expected an array of rows' })
  rows!: PushRow[];
}
