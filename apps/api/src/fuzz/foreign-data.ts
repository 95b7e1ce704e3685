import fc from 'fast-check';
import type { RedisClient } from '@feature-store/core';
import type { TestApi, TestResponse } from '../testing/test-api';
import { FEATURE_NAMES, FEATURE_TYPES, VIEW } from './api-fuzz.cases';

/**
 * Stored-data fuzzing: what another writer may leave under the namespace (any text in any field,
 * keys of other types), read through every read route. The model of the main suite does not know
 * these ids, so the checks are the contract's own: never a 5xx, JSON always, errors exactly
 * {"detail", "code"}, a 200 body typed by the registry with every status one of the five.
 */

/** The default registry's event-time field of the view. */
const TS_FIELD = '_t';
const STATUSES = new Set(['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE', 'INVALID']);

/** Text another writer could store: numbers of every shape, and anything else. */
const storedText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.constantFrom('N/A', '1e400', '-1e400', 'NaN', 'Infinity', '0x1F', '1_000', ' 7 ', '', '-0', '1e-400', 'true', '\u0000'),
);

/** One foreign entity: a hash of random fields, or a key of another type. */
export type ForeignEntity =
  | { readonly kind: 'hash'; readonly fields: Readonly<Record<string, string>>; readonly indexed: boolean }
  | { readonly kind: 'string' | 'list' | 'set' | 'zset' | 'stream'; readonly indexed: boolean };

export const foreignEntityArb: fc.Arbitrary<ForeignEntity> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('hash' as const),
      fields: fc.dictionary(fc.constantFrom(...FEATURE_NAMES, TS_FIELD, 'unknown_field'), storedText, { minKeys: 1 }),
      indexed: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('string', 'list', 'set', 'zset', 'stream'), indexed: fc.boolean() }) },
);

/** Writes a foreign entity with plain Redis commands, as another writer would. */
export async function storeForeign(api: TestApi, id: string, entity: ForeignEntity): Promise<void> {
  const redis: RedisClient = api.redis;
  const key = api.store.keys.entityHash('user', id);
  switch (entity.kind) {
    case 'hash':
      await redis.hset(key, entity.fields);
      break;
    case 'string':
      await redis.set(key, 'x');
      break;
    case 'list':
      await redis.rpush(key, 'x');
      break;
    case 'set':
      await redis.sadd(key, 'x');
      break;
    case 'zset':
      await redis.zadd(key, 1, 'x');
      break;
    case 'stream':
      await redis.xadd(key, '*', 'f', 'v');
      break;
  }
  if (entity.indexed) await redis.sadd(api.store.keys.entityIndexOf('user', id), id);
}

/** Removes what `storeForeign` wrote. */
export async function removeForeign(api: TestApi, id: string): Promise<void> {
  await api.redis.unlink(api.store.keys.entityHash('user', id));
  await api.redis.srem(api.store.keys.entityIndexOf('user', id), id);
}

/** A read value that fits the feature's declared type (null always does). */
function fits(name: string, value: unknown): boolean {
  if (value === null) return true;
  const type = FEATURE_TYPES[name as keyof typeof FEATURE_TYPES];
  if (type === 'string') return typeof value === 'string';
  if (type === 'int') return Number.isSafeInteger(value);
  return typeof value === 'number' && Number.isFinite(value);
}

/** The problems of an answer to a read touching foreign data (empty when it keeps the contract). */
export function readProblems(response: TestResponse): string[] {
  if (response.statusCode >= 500) return [`answered ${response.statusCode}`];
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return [`a body that is not JSON: ${response.body.slice(0, 200)}`];
  }
  if (response.statusCode !== 200) {
    const keys = typeof body === 'object' && body !== null ? Object.keys(body).sort().join(',') : '';
    return keys === 'code,detail' ? [] : [`error body ${response.body.slice(0, 200)}`];
  }
  const problems: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`));
    else if (typeof value === 'object' && value !== null) {
      for (const [name, inner] of Object.entries(value)) {
        if (name === 'features' && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
          for (const [feature, served] of Object.entries(inner)) {
            if (!fits(feature, served)) problems.push(`${path}.features.${feature}: ${JSON.stringify(served)} is not a ${FEATURE_TYPES[feature as keyof typeof FEATURE_TYPES]}`);
          }
        } else if (name === 'statuses' && Array.isArray(inner)) {
          for (const status of inner) if (!STATUSES.has(status as string)) problems.push(`${path}.statuses: ${JSON.stringify(status)}`);
        } else visit(inner, `${path}.${name}`);
      }
    } else if (typeof value === 'number' && !Number.isFinite(value)) problems.push(`${path}: ${value}`);
  };
  visit(body, 'body');
  return problems;
}

/** Every read route asked about a foreign id beside a seeded one. */
export function foreignReads(id: string, seeded: string): [method: 'GET' | 'POST', url: string, body?: unknown][] {
  const features = FEATURE_NAMES.map((name) => `${VIEW}:${name}`);
  return [
    ['GET', `/features/${id}`],
    ['POST', '/features/batch', { user_ids: [seeded, id] }],
    ['GET', `/v1/features/user/${id}?event_times=true`],
    ['POST', '/v1/features/user/batch?event_times=true', { ids: [id, seeded] }],
    ['POST', '/v1/features', { rows: [{ user_id: id }, { user_id: seeded }], features }],
    ['POST', '/get-online-features', { entities: { user_id: [id, seeded] }, features }],
  ];
}

/** Read bodies for the newer routes, near-valid and hostile, judged by the same contract. */
export const featureReadBodyArb: fc.Arbitrary<[url: string, body: unknown]> = fc.oneof(
  fc.tuple(
    fc.constant('/v1/features'),
    fc.record(
      {
        rows: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('user_id', 'driver_id', '__proto__'), fc.jsonValue(), { maxKeys: 2 }), { maxLength: 3 }), fc.jsonValue()),
        features: fc.oneof(fc.array(fc.constantFrom(`${VIEW}:age`, 'age', `${VIEW}:nope`, 'nope:age', ':', ''), { maxLength: 3 }), fc.jsonValue()),
        feature_service: fc.oneof(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    ),
  ),
  fc.tuple(
    fc.constant('/get-online-features'),
    fc.record(
      {
        entities: fc.oneof(fc.dictionary(fc.constantFrom('user_id', 'driver_id', 'x'), fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.jsonValue()), { maxKeys: 2 }), fc.jsonValue()),
        features: fc.oneof(fc.array(fc.constantFrom(`${VIEW}:age`, `${VIEW}:gender`, 'age', 'x:y'), { maxLength: 3 }), fc.jsonValue()),
        feature_service: fc.oneof(fc.constant(null), fc.string(), fc.jsonValue()),
        full_feature_names: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
  ),
);
