import type { JoinKeyValue } from '@feature-store/core';
import { ApiError } from '../errors/api-error';
import { JOIN_KEY_VALUE } from '../feast/feast-requests';
import type { JsonSchema } from '../http/route';

/**
 * Readers of the read routes' requests. Each checks a request by hand, with a message naming the
 * field at fault; the JSON Schema beside it documents the same rule for OpenAPI, and a spec holds
 * the two against each other.
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const badRequest = (detail: string) => new ApiError(400, 'BAD_REQUEST', detail);

/** Checks the size of a list before anything of its entries: a huge list is refused at once. */
export type SizeCheck = (count: number, field: string) => void;

/** `{"user_ids": ["id", ...]}`: the original contract's batch. */
export const LEGACY_BATCH_BODY: JsonSchema = {
  type: 'object',
  properties: {
    user_ids: { type: 'array', items: { type: 'string' }, minItems: 1, example: ['user00001', 'user00002'], description: '1 to BATCH_MAX_IDS ids' },
  },
  required: ['user_ids'],
};

/** @throws ApiError 400 unless the body is `{"user_ids": [strings]}` of 1 to BATCH_MAX_IDS ids. */
export function readLegacyBatch(body: unknown, checkSize: SizeCheck): string[] {
  const ids = isObject(body) ? body['user_ids'] : undefined;
  if (!Array.isArray(ids)) throw badRequest('user_ids: expected an array of ids');
  checkSize(ids.length, 'user_ids');
  for (const id of ids) if (typeof id !== 'string') throw badRequest('user_ids: every id is a string');
  return ids as string[];
}

/** `{"ids": [...], "features"?: [...]}`: a v1 batch of one entity. */
export const ENTITY_BATCH_BODY: JsonSchema = {
  type: 'object',
  properties: {
    ids: {
      type: 'array',
      items: { type: 'string' },
      minItems: 1,
      uniqueItems: true,
      example: ['user00001'],
      description: '1 to BATCH_MAX_IDS ids, each once (decimal text for an entity whose join key is an int)',
    },
    features: {
      type: ['array', 'null'],
      items: { type: 'string' },
      minItems: 1,
      uniqueItems: true,
      example: ['age'],
      description: 'only these features, each once (default, or null: all)',
    },
  },
  required: ['ids'],
};

export interface EntityBatch {
  readonly ids: readonly string[];
  readonly features?: readonly string[];
}

/**
 * @throws ApiError 400 `BAD_REQUEST` naming every field that does not fit (ids, features), the
 *   size first; `DUPLICATE_VALUE` for an id or feature named twice.
 */
export function readEntityBatch(body: unknown, checkSize: SizeCheck): EntityBatch {
  if (!isObject(body)) throw badRequest('body: expected a JSON object {"ids", "features"?}');
  const problems: string[] = [];
  const { ids, features } = body;
  if (!Array.isArray(ids)) problems.push('ids: expected an array of ids');
  else {
    checkSize(ids.length, 'ids');
    if (!ids.every((id) => typeof id === 'string')) problems.push('ids: every id is a string');
  }
  if (features !== undefined && features !== null) {
    if (!Array.isArray(features)) problems.push('features: expected an array of feature names');
    else if (features.length === 0) problems.push('features: leave it out to get every feature, or name at least one');
    else if (!features.every((name) => typeof name === 'string')) problems.push('features: every feature name is a string');
  }
  if (problems.length > 0) throw badRequest(problems.join('; '));
  rejectDuplicates(ids as string[], 'ids');
  if (Array.isArray(features)) rejectDuplicates(features as string[], 'features');
  return Array.isArray(features) ? { ids: ids as string[], features: features as string[] } : { ids: ids as string[] };
}

/** `?features=a,b&event_times=true` of the v1 reads. */
export const ENTITY_READ_QUERY: JsonSchema = {
  type: 'object',
  properties: {
    features: { type: 'string', description: 'comma-separated feature names, each once (default: all)', example: 'age,gender' },
    event_times: { type: 'string', enum: ['true', 'false'], description: 'add each view\'s event time' },
  },
};

/** `?features=a,b` (or repeated `?features=a&features=b`) -> ["a", "b"]. @throws ApiError 400 */
export function readFeatureList(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => String(value).split(','));
  const names = parts.map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0) {
    throw new ApiError(400, 'INVALID_QUERY', 'features: expected a comma-separated list of feature names');
  }
  rejectDuplicates(names, 'features');
  return names;
}

/** `?event_times=true|false`. @throws ApiError 400 */
export function readEventTimes(raw: unknown): boolean {
  if (raw !== undefined && raw !== 'true' && raw !== 'false') {
    throw new ApiError(400, 'INVALID_QUERY', 'event_times: expected true or false');
  }
  return raw === 'true';
}

/** `{"rows": [{join keys}], "features": ["view:feature"] | "feature_service": "name"}`. */
export const FEATURE_READ_BODY: JsonSchema = {
  type: 'object',
  properties: {
    rows: {
      type: 'array',
      items: { type: 'object', additionalProperties: JOIN_KEY_VALUE },
      minItems: 1,
      description: '1 to BATCH_MAX_IDS entity rows, each naming every join key the features need',
      example: [{ driver_id: 1001 }, { driver_id: 1002 }],
    },
    features: {
      type: 'array',
      items: { type: 'string', pattern: '^[^:]+:[^:]+$' },
      minItems: 1,
      description: '"view:feature" references; or name a feature_service instead',
      example: ['driver_hourly_stats:conv_rate'],
    },
    feature_service: { type: 'string', description: 'a feature service of the registry, instead of features' },
  },
  required: ['rows'],
  oneOf: [{ required: ['features'] }, { required: ['feature_service'] }],
};

/** A feature read, with the join keys its rows name. */
export type FeatureRead = { readonly rows: readonly Readonly<Record<string, JoinKeyValue>>[] } & (
  | { readonly features: readonly string[] }
  | { readonly featureService: string }
);

/** @throws ApiError 400 `BAD_REQUEST` naming the field that does not fit, the size first. */
export function readFeatureRead(body: unknown, checkSize: SizeCheck): FeatureRead {
  if (!isObject(body)) throw badRequest('body: expected a JSON object {"rows", "features" or "feature_service"}');
  const { rows, features, feature_service: service } = body;
  if (!Array.isArray(rows)) throw badRequest('rows: expected an array of entity rows');
  checkSize(rows.length, 'rows');
  rows.forEach((row, index) => checkEntityRow(row, `rows[${index}]`));
  if ((features === undefined) === (service === undefined)) throw badRequest('name either features or feature_service');
  if (service !== undefined) {
    if (typeof service !== 'string') throw badRequest('feature_service: expected the name of a feature service');
    return { rows, featureService: service };
  }
  if (!Array.isArray(features) || features.length === 0 || !features.every((name) => typeof name === 'string' && /^[^:]+:[^:]+$/.test(name))) {
    throw badRequest('features: expected a non-empty array of "view:feature" references');
  }
  return { rows, features: features as string[] };
}

/** @throws ApiError 400 unless `row` is an object of string or integer join key values. */
function checkEntityRow(row: unknown, field: string): asserts row is Record<string, JoinKeyValue> {
  if (!isObject(row)) throw badRequest(`${field}: expected an object of join key values`);
  for (const [name, value] of Object.entries(row)) {
    if (typeof value !== 'string' && !Number.isSafeInteger(value)) throw badRequest(`${field}.${name}: expected a string or an integer`);
  }
}

/** v1 requests name each id and feature once (the original batch route answers repeats in place). */
export function rejectDuplicates(values: readonly JoinKeyValue[], field: string): void {
  const seen = new Set<JoinKeyValue>();
  for (const value of values) {
    if (seen.has(value)) throw new ApiError(400, 'DUPLICATE_VALUE', `${field}: "${value}" appears more than once`);
    seen.add(value);
  }
}
