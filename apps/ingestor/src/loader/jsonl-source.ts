import type { EntityKey, JoinKeyValue } from '@feature-store/core';
import { readLines } from './line-reader';
import type { SourceRecord } from './source-record';
import { DEFAULT_EVENT_TIME_COLUMNS, type ViewTarget } from './view-columns';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Streams the rows of a JSON Lines file, one object per line shaped like a pushed row:
 * `{"id", "event_ts"?, "features"}`, where the entity may also be named by its join keys
 * (`{"driver_id": 1001, "customer_id": "c1", ...}`) and the event time by `event_timestamp` or
 * the `--event-time-column`. As in a push, a missing or null event time is the time of receipt
 * and a null feature is deleted. A line that is not such an object, or longer than `maxBytes`, is
 * reported with its line number, and the reading goes on; blank lines are skipped.
 */
export async function* jsonlRecords(path: string, target: ViewTarget, maxBytes: number, receivedAt: number): AsyncGenerator<SourceRecord> {
  const joinKeys = target.space.entities.map((entity) => entity.joinKey);
  const timeFields = target.eventTimeColumn === undefined ? DEFAULT_EVENT_TIME_COLUMNS : [target.eventTimeColumn];
  for await (const { number: line, text } of readLines(path, maxBytes)) {
    if (text === null) {
      yield { line, reason: `record longer than ${maxBytes} bytes (--max-record-bytes)` };
      continue;
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, reason: `invalid JSON (${(error as Error).message})` };
      continue;
    }
    if (!isObject(value)) {
      yield { line, reason: 'expected a JSON object {"id", "event_ts", "features"}' };
      continue;
    }
    const named = joinKeys.filter((joinKey) => joinKey in value);
    if ('id' in value && named.length > 0) {
      yield { line, reason: `both "id" and "${named[0]}" name the entity: keep one` };
      continue;
    }
    const times = timeFields.filter((field) => value[field] !== undefined && value[field] !== null);
    if (times.length > 1) {
      yield { line, reason: `both ${times.map((field) => `"${field}"`).join(' and ')}: keep one` };
      continue;
    }
    const eventTime = times.length === 1 ? (value[times[0]!] as string | number) : receivedAt;
    const id: EntityKey =
      named.length > 0 ? Object.fromEntries(named.map((joinKey) => [joinKey, value[joinKey] as JoinKeyValue])) : (value['id'] as EntityKey);
    yield { line, row: { id, eventTime, features: value['features'] as Record<string, unknown> }, timed: times.length === 1 };
  }
}
