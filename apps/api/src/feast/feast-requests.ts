import type { JoinKeyValue, WriteRow } from '@feature-store/core';
import { ApiError } from '../errors/api-error';
import type { JsonSchema } from '../http/route';

/**
 * Readers of Feast's request bodies (as `sdk/python/feast/feature_server.py` declares them), each
 * with the JSON Schema OpenAPI shows for it. Fields Feast's clients send that this store has no
 * use for (`allow_registry_cache`, `transform_on_write`, ...) are accepted and ignored.
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const badRequest = (detail: string) => new ApiError(400, 'BAD_REQUEST', detail);

/** A join key value: a string, or an integer JavaScript holds exactly. */
export const JOIN_KEY_VALUE = { type: ['string', 'integer'], minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

/** POST /get-online-features */
export const GET_ONLINE_FEATURES_BODY: JsonSchema = {
  type: 'object',
  properties: {
    entities: {
      type: 'object',
      minProperties: 1,
      additionalProperties: { type: 'array', items: JOIN_KEY_VALUE, minItems: 1 },
      description: 'join key -> one value per entity row (equal lengths, 1 to BATCH_MAX_IDS)',
      example: { driver_id: [1001, 1002] },
    },
    features: { type: 'array', items: { type: 'string' }, example: ['driver_hourly_stats:conv_rate'] },
    feature_service: { type: ['string', 'null'], description: 'used instead of features when set' },
    full_feature_names: { type: 'boolean', default: false, description: 'name columns view__feature' },
  },
  required: ['entities'],
  anyOf: [
    { required: ['feature_service'], properties: { feature_service: { type: 'string' } } },
    { required: ['features'], properties: { features: { minItems: 1 } } },
  ],
};

export interface OnlineFeaturesRequest {
  readonly entities: readonly (readonly [name: string, values: readonly JoinKeyValue[]])[];
  /** One object of join keys per entity row. */
  readonly rows: readonly Record<string, JoinKeyValue>[];
  readonly read: { readonly features: readonly string[] } | { readonly featureService: string };
  readonly fullFeatureNames: boolean;
}

/**
 * Equal-length columns of a Feast request as rows; `sizeCheck` sees the row count first. With
 * `broadcast`, a column that is a single value (not an array) repeats on every row, as a pandas
 * data frame built from such a dict does.
 */
function columnsToRows(
  columns: Record<string, unknown>,
  field: string,
  sizeCheck: (count: number) => void,
  broadcast = false,
): Record<string, unknown>[] {
  const entries = Object.entries(columns);
  const arrays = entries.filter(([, values]) => Array.isArray(values)) as [string, unknown[]][];
  const scalar = entries.find(([, values]) => !Array.isArray(values));
  if (scalar && !broadcast) throw badRequest(`${field}.${scalar[0]}: expected an array of values`);
  if (arrays.length === 0) throw badRequest(`${field}: expected at least one column of values (an array)`);
  const count = arrays[0]![1].length;
  sizeCheck(count);
  const uneven = arrays.find(([, values]) => values.length !== count);
  if (uneven) throw badRequest(`${field}.${uneven[0]}: ${uneven[1].length} values, but ${arrays[0]![0]} has ${count}`);
  return Array.from({ length: count }, (_, row) =>
    Object.fromEntries(entries.map(([name, values]) => [name, Array.isArray(values) ? values[row] : values])),
  );
}

/** @throws ApiError 400 naming the field that does not fit */
export function readOnlineFeaturesRequest(body: unknown, checkSize: (count: number, field: string) => void): OnlineFeaturesRequest {
  if (!isObject(body)) throw badRequest('body: expected a JSON object {"entities", "features" or "feature_service"}');
  const { entities, features, feature_service: service, full_feature_names: fullNames = false } = body;
  if (!isObject(entities)) throw badRequest('entities: expected an object of join key -> values');
  const rows = columnsToRows(entities, 'entities', (count) => checkSize(count, 'entities'));
  for (const [name, values] of Object.entries(entities)) {
    for (const value of values as unknown[]) {
      if (typeof value !== 'string' && !Number.isSafeInteger(value)) throw badRequest(`entities.${name}: every value is a string or an integer`);
    }
  }
  if (typeof fullNames !== 'boolean') throw badRequest('full_feature_names: expected true or false');
  let read: OnlineFeaturesRequest['read'];
  if (service !== undefined && service !== null) {
    if (typeof service !== 'string') throw badRequest('feature_service: expected the name of a feature service');
    read = { featureService: service };
  } else {
    if (!Array.isArray(features) || features.length === 0 || !features.every((name) => typeof name === 'string')) {
      throw badRequest('features: expected a non-empty array of "view:feature" references (or a feature_service)');
    }
    read = { features: features as string[] };
  }
  return {
    entities: Object.entries(entities) as [string, JoinKeyValue[]][],
    rows: rows as Record<string, JoinKeyValue>[],
    read,
    fullFeatureNames: fullNames,
  };
}

const DF = {
  type: 'object',
  additionalProperties: {},
  description:
    'columns of equal length: the join keys, event_timestamp (and created), then features; a single value instead of an array repeats on every row',
  example: { driver_id: [1001], event_timestamp: ['2022-05-13 10:59:42+00:00'], conv_rate: [1.0], avg_daily_trips: [1000] },
};

/** POST /push */
export const PUSH_BODY: JsonSchema = {
  type: 'object',
  properties: {
    push_source_name: { type: 'string' },
    df: DF,
    to: { type: 'string', enum: ['online', 'offline', 'online_and_offline'], default: 'online', description: 'only "online" is served here' },
  },
  required: ['push_source_name', 'df'],
};

/** POST /write-to-online-store */
export const WRITE_TO_ONLINE_STORE_BODY: JsonSchema = {
  type: 'object',
  properties: { feature_view_name: { type: 'string' }, df: DF },
  required: ['feature_view_name', 'df'],
};

/** A push's target: the push source or view name, checked as a string. */
export function readName(body: unknown, field: 'push_source_name' | 'feature_view_name'): string {
  const name = isObject(body) ? body[field] : undefined;
  if (typeof name !== 'string' || name === '') throw badRequest(`${field}: expected a name`);
  return name;
}

/** @throws ApiError 400 unless `to` is absent or "online": this store has no offline store. */
export function checkPushTarget(body: unknown): void {
  const to = isObject(body) ? body['to'] : undefined;
  if (to === undefined || to === null || to === 'online') return;
  throw badRequest(`to: ${JSON.stringify(to)} is not served here: this store writes the online store only ("online")`);
}

/** The columns Feast writes beside the join keys and features. */
const EVENT_TIMESTAMP = 'event_timestamp';
const CREATED = 'created';

/**
 * A Feast data frame (`df`) as rows of a view keyed by `joinKeys`: `event_timestamp` is Feast's
 * text ("2022-05-13 10:59:42+00:00", ISO-8601; UTC without an offset) or epoch seconds, the time
 * of receipt when absent or null; `created` is Feast's write time, not used (ordering is by
 * event time); every other column is a feature.
 * @throws ApiError 400 for a df that is not equal-length columns, or a bad event timestamp.
 */
export function readDataFrame(
  body: unknown,
  joinKeys: readonly string[],
  checkSize: (count: number, field: string) => void,
  receivedAt: number,
): WriteRow[] {
  const df = isObject(body) ? body['df'] : undefined;
  if (!isObject(df)) throw badRequest('df: expected an object of columns');
  const rows = columnsToRows(df, 'df', (count) => checkSize(count, 'df'), true);
  return rows.map((row, index) => {
    const features: Record<string, unknown> = {};
    const id: Record<string, JoinKeyValue> = {};
    let eventTime: number | string = receivedAt;
    for (const [name, value] of Object.entries(row)) {
      if (joinKeys.includes(name)) id[name] = value as JoinKeyValue;
      else if (name === EVENT_TIMESTAMP) eventTime = feastEventTime(value, index, receivedAt);
      else if (name !== CREATED) features[name] = value;
    }
    return { id, eventTime, features };
  });
}

function feastEventTime(value: unknown, row: number, receivedAt: number): number | string {
  if (value === null || value === undefined) return receivedAt;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1_000);
  throw badRequest(`df.event_timestamp[${row}]: expected a date-time text or epoch seconds`);
}
