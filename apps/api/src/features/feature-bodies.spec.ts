import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { FEATURE_STATUSES, FeatureRows, ReadPlan, Registry } from '@feature-store/core';
import { join } from 'node:path';
import { bodyWriter } from '../http/route';
import {
  FEAST_READ_BODY,
  FEATURE_READ_BODY,
  LEGACY_BATCH_BODY,
  LEGACY_ENTITY_BODY,
  V1_BATCH_BODY,
  V1_ENTITY_BODY,
} from './feature-bodies';

/**
 * The differential test of the response layer: each hand-written body writer against the standard
 * way (typed values built as objects, then JSON.stringify), over reads of generated stored data
 * (valid and invalid text, missing fields, unknown ids, expired rows), and each body against the
 * JSON Schema that documents it.
 */

const registries = join(__dirname, '../../../../registry');
const users = Registry.fromFile(join(registries, 'features.yaml'));
const drivers = Registry.fromFile(join(registries, 'examples/feast-driver.yaml'));
const NOW = Date.UTC(2026, 0, 2);

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const write = (schema: object, payload: unknown) => bodyWriter(schema)!(payload);
function checked(schema: object, text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  const valid = ajv.validate(schema, parsed);
  if (!valid) throw new Error(`body does not fit its schema: ${ajv.errorsText()}\n${text}`);
  return parsed;
}
/** The standard serialization, which has no negative zero either. */
const standard = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** Stored text of every kind: valid numbers, invalid text, times, vectors; false: a missing field. */
const storedText = fc.oneof(
  fc.constant(false as const),
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom('N/A', '1e400', '9007199254740993', '-0', '007', '.5', '', 'true', '0', '1,2.5', 'say "hi"\n', '\u2603'),
  fc.string(),
);
const eventTime = fc.oneof(fc.constant(false as const), fc.integer({ min: 0, max: NOW }).map(String), fc.constant('soon'));

/** Replies of a plan's one space: `rows` hashes of stored text, some unknown (all missing). */
function replies(plan: ReadPlan, rows: number) {
  const { fields, featureCount } = plan.spaces[0]!;
  const row = fc.tuple(
    fc.array(storedText, { minLength: featureCount, maxLength: featureCount }),
    fc.array(eventTime, { minLength: fields.length - featureCount, maxLength: fields.length - featureCount }),
  );
  return fc.array(fc.oneof(row.map(([values, times]) => [...values, ...times]), fc.constant(fields.map(() => false as const))), {
    minLength: rows,
    maxLength: rows,
  });
}

function entityRows(plan: ReadPlan, stored: (string | false)[][]): FeatureRows {
  return new FeatureRows(plan, [stored.map((_, row) => `user:u${row}:features`)], [stored], NOW);
}

/** A found row's typed values by name: the standard form of a "features" object. */
const featuresObject = (rows: FeatureRows, row: number) =>
  Object.fromEntries(rows.plan.columns.map((column, index) => [column.feature.name, rows.value(row, index)]));

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('read bodies: the text writers against JSON.stringify of the typed values', () => {
  const full = ReadPlan.forEntity(users.entity('user'));
  const projected = ReadPlan.forEntity(users.entity('user'), ['preferred_category', 'age']);

  it.each([
    ['every feature', full],
    ['a projection', projected],
  ])('GET /features/{user_id} and the batch (%s)', (_, plan) => {
    fc.assert(
      fc.property(replies(plan, 4), (stored) => {
        const rows = entityRows(plan, stored);
        const ids = stored.map((__, row) => `user${row}`);
        const batch = checked(LEGACY_BATCH_BODY, write(LEGACY_BATCH_BODY, { entity: 'user', ids, rows }));
        expect(batch).toEqual(standard(ids.map((id, row) => ({ user_id: id, features: rows.found(row) ? featuresObject(rows, row) : null }))));
        if (rows.found(0)) {
          const single = checked(LEGACY_ENTITY_BODY, write(LEGACY_ENTITY_BODY, { entity: 'user', ids, rows }));
          expect(single).toEqual(standard({ user_id: ids[0], features: featuresObject(rows, 0) }));
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([true, false])('the v1 bodies, event_times=%s', (eventTimes) => {
    fc.assert(
      fc.property(replies(full, 3), (stored) => {
        const rows = entityRows(full, stored);
        const ids = ['a', 'b', 'c'];
        const result = (row: number) => {
          const views = full.spaces[0]!.views;
          const base = {
            id: ids[row],
            features: featuresObject(rows, row),
            expired: views.filter((__, view) => rows.expired(row, 0, view)).map((view) => view.name),
          };
          if (!eventTimes) return base;
          return { ...base, event_times: Object.fromEntries(views.map((view, index) => [view.name, iso(rows.eventTime(row, 0, index))])) };
        };
        const body = { entity: 'user', ids, rows, eventTimes };
        const batch = checked(V1_BATCH_BODY, write(V1_BATCH_BODY, body));
        expect(batch).toEqual(standard({ entity: 'user', results: ids.map((__, row) => (rows.found(row) ? result(row) : null)) }));
        if (rows.found(0)) expect(checked(V1_ENTITY_BODY, write(V1_ENTITY_BODY, body))).toEqual(standard({ entity: 'user', ...result(0) }));
      }),
      { numRuns: 300 },
    );
  });

  const driverPlan = ReadPlan.forFeatures(
    ['driver_hourly_stats:conv_rate', 'driver_customer_stats:trips_together', 'driver_hourly_stats:avg_daily_trips'].map((ref) =>
      drivers.feature(ref),
    ),
  );
  /** Replies for both key spaces of the driver plan. */
  const driverReplies = fc.tuple(
    ...driverPlan.spaces.map((planned) =>
      fc.array(
        fc.oneof(
          fc.array(fc.oneof(storedText, eventTime), { minLength: planned.fields.length, maxLength: planned.fields.length }),
          fc.constant(planned.fields.map(() => false as const)),
        ),
        { minLength: 2, maxLength: 2 },
      ),
    ),
  );
  const keys = [
    { driver_id: 1001, customer_id: 'c1' },
    { driver_id: 1002, customer_id: 'c2' },
  ];
  const driverRows = (stored: (string | false)[][][]) =>
    new FeatureRows(driverPlan, driverPlan.spaces.map(() => ['k0', 'k1']), stored, NOW);

  it('POST /v1/features: values, statuses and event times per row', () => {
    fc.assert(
      fc.property(driverReplies, (stored) => {
        const rows = driverRows(stored);
        const columns = [...driverPlan.columns.keys()];
        const body = checked(FEATURE_READ_BODY, write(FEATURE_READ_BODY, { rows, keys }));
        expect(body).toEqual(
          standard({
            features: driverPlan.columns.map((column) => `${column.view.name}:${column.feature.name}`),
            results: keys.map((key, row) => ({
              key,
              values: columns.map((column) => rows.value(row, column)),
              statuses: columns.map((column) => rows.status(row, column)),
              event_times: columns.map((column) =>
                rows.status(row, column) === 'NOT_FOUND' ? null : iso(rows.columnEventTime(row, column)),
              ),
            })),
          }),
        );
        for (const result of (body as { results: { statuses: string[] }[] }).results) {
          expect(result.statuses.every((status) => (FEATURE_STATUSES as readonly string[]).includes(status))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("POST /get-online-features: Feast's columns, join keys first, zero timestamps for missing rows", () => {
    const feastTime = (ms: number | null) => (ms === null ? '1970-01-01T00:00:00Z' : new Date(ms).toISOString().replace('.000Z', 'Z'));
    fc.assert(
      fc.property(driverReplies, (stored) => {
        const rows = driverRows(stored);
        const names = driverPlan.columns.map((column) => column.feature.name);
        const entities = [
          ['driver_id', [1001, 1002]],
          ['customer_id', ['c1', 'c2']],
        ] as const;
        const body = checked(FEAST_READ_BODY, write(FEAST_READ_BODY, { rows, entities, names }));
        const zero = ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'];
        expect(body).toEqual(
          standard({
            metadata: { feature_names: ['driver_id', 'customer_id', ...names] },
            results: [
              ...entities.map(([, values]) => ({ values, statuses: ['PRESENT', 'PRESENT'], event_timestamps: zero })),
              ...names.map((__, column) => ({
                values: [0, 1].map((row) => rows.value(row, column)),
                statuses: [0, 1].map((row) => rows.status(row, column)),
                event_timestamps: [0, 1].map((row) =>
                  rows.status(row, column) === 'NOT_FOUND' ? zero[0] : feastTime(rows.columnEventTime(row, column)),
                ),
              })),
            ],
          }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("writes timestamp features to Feast's read as epoch seconds, as Feast serves UNIX_TIMESTAMP values", () => {
    const registry = Registry.fromObject({ entities: { user: {} }, views: { seen: { entity: 'user', features: { last_login: 'timestamp' } } } });
    const plan = ReadPlan.forFeatures([registry.feature('seen:last_login')]);
    const rows = new FeatureRows(plan, [['k0', 'k1']], [[[String(Date.UTC(2026, 0, 1, 0, 0, 1, 999)), '5'], [false, false]]], NOW);
    const body = checked(FEAST_READ_BODY, write(FEAST_READ_BODY, { rows, entities: [['user_id', ['a', 'b']]], names: ['last_login'] }));
    expect((body as { results: { values: unknown[] }[] }).results[1]!.values).toEqual([Date.UTC(2026, 0, 1, 0, 0, 1) / 1_000, null]);
  });
});
