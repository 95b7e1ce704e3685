import Ajv from 'ajv';
import fc from 'fast-check';
import { GET_ONLINE_FEATURES_BODY, readOnlineFeaturesRequest } from '../feast/feast-requests';
import {
  ENTITY_BATCH_BODY,
  FEATURE_READ_BODY,
  LEGACY_BATCH_BODY,
  type SizeCheck,
  readEntityBatch,
  readFeatureRead,
  readLegacyBatch,
} from '../features/read-requests';
import { ApiError } from '../errors/api-error';
import { PUSH_BODY, pushRows } from '../push/push-request';
import type { JsonSchema } from './route';

/**
 * Request schemas document what each route takes (OpenAPI); hand-written readers check requests
 * with messages naming the field. Over generated bodies, near-valid and not, a reader accepts a
 * body exactly when its schema does. (Limits from the configuration, such as BATCH_MAX_IDS, are
 * the readers' alone: the size check here only asks for one entry at least, as the schemas do.)
 */

const ajv = new Ajv({ strict: false, allErrors: true });
const atLeastOne: SizeCheck = (count, field) => {
  if (count < 1) throw new ApiError(400, 'INVALID_BATCH_SIZE', `${field}: empty`);
};

function accepts(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch (error) {
    if (error instanceof ApiError) return false;
    throw error;
  }
}

const scalar = fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -3, max: 3 }), fc.double(), fc.boolean(), fc.constant(null));
const strings = fc.array(fc.constantFrom('a', 'b', 'c', 'age', 'v:f', 'w:g', 'v:f:x'), { maxLength: 3 });
const keyRow = fc.dictionary(fc.constantFrom('user_id', 'driver_id'), fc.oneof(fc.string({ maxLength: 2 }), fc.integer(), fc.double(), fc.constant(null)));
const anything = fc.oneof(scalar, strings, fc.array(scalar, { maxLength: 3 }), fc.array(keyRow, { maxLength: 2 }), fc.constant(undefined));
/** Objects with the fields a route reads, each of any kind, sometimes right; and other JSON. */
const body = (fields: readonly string[], right: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof(
    right,
    fc.record(Object.fromEntries(fields.map((field) => [field, anything])), { requiredKeys: [] }),
    scalar,
    fc.array(scalar),
  );

const cases: [string, JsonSchema, (value: unknown) => unknown, fc.Arbitrary<unknown>][] = [
  ['POST /features/batch', LEGACY_BATCH_BODY, (value) => readLegacyBatch(value, atLeastOne), body(['user_ids'], fc.record({ user_ids: strings }))],
  [
    'POST /v1/features/{entity}/batch',
    ENTITY_BATCH_BODY,
    (value) => readEntityBatch(value, atLeastOne),
    body(['ids', 'features'], fc.record({ ids: strings, features: fc.oneof(strings, fc.constant(null)) }, { requiredKeys: ['ids'] })),
  ],
  [
    'POST /v1/features',
    FEATURE_READ_BODY,
    (value) => readFeatureRead(value, atLeastOne),
    body(
      ['rows', 'features', 'feature_service'],
      fc.oneof(fc.record({ rows: fc.array(keyRow, { maxLength: 2 }), features: strings }), fc.record({ rows: fc.array(keyRow), feature_service: fc.string() })),
    ),
  ],
  [
    'POST /v1/push/{view}',
    PUSH_BODY,
    (value) => pushRows(value, Number.MAX_SAFE_INTEGER),
    body(['rows'], fc.record({ rows: fc.array(fc.oneof(fc.record({ id: fc.string(), features: fc.object() }), scalar), { maxLength: 2 }) })),
  ],
  [
    'POST /get-online-features',
    GET_ONLINE_FEATURES_BODY,
    (value) => readOnlineFeaturesRequest(value, atLeastOne),
    body(
      ['entities', 'features', 'feature_service', 'full_feature_names'],
      fc.record(
        {
          entities: fc.integer({ min: 0, max: 2 }).chain((length) =>
            fc.dictionary(fc.constantFrom('driver_id', 'customer_id'), fc.array(fc.oneof(fc.string(), fc.integer(), fc.double()), { minLength: length, maxLength: length })),
          ),
          features: strings,
          feature_service: fc.oneof(fc.string(), fc.constant(null)),
          full_feature_names: fc.oneof(fc.boolean(), scalar),
        },
        { requiredKeys: ['entities'] },
      ),
    ),
  ],
];

describe('request readers agree with the request schemas OpenAPI shows', () => {
  it.each(cases)('%s', (_, schema, read, bodies) => {
    const validate = ajv.compile(schema);
    fc.assert(
      fc.property(bodies, (value) => {
        expect([accepts(() => read(value)), value]).toEqual([validate(value), value]);
      }),
      { numRuns: 3_000 },
    );
  });
});
