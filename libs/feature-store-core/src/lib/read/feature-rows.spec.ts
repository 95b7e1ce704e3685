import fc from 'fast-check';
import { type RawValues, WRONG_TYPE } from '../backend/backend';
import { Registry } from '../registry/registry';
import { FeatureRows } from './feature-rows';
import { ReadPlan } from './read-plan';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 1);

const registry = Registry.fromObject({
  entities: { user: {} },
  views: {
    profile: { entity: 'user', features: { age: 'int', score: 'float', tier: 'string', active: 'bool' } },
    activity: { entity: 'user', max_age: '1h', event_time_field: '_ta', features: { seen: 'timestamp', embedding: { type: 'float_vector', dimension: 2 } } },
  },
});
const user = registry.entity('user');
// The first two read the same fields, as do the last two: a frozen reply judged for one plan is
// then read with another, whose judgement differs (an entity read finds a known id's every view).
const PLANS = [
  ReadPlan.forEntity(user),
  ReadPlan.forFeatures(user.features.map((feature) => registry.feature(`${feature.view}:${feature.name}`))),
  ReadPlan.forEntity(user, ['embedding', 'age']),
  ReadPlan.forFeatures([registry.feature('activity:embedding'), registry.feature('profile:age')]),
];
/** Every field a plan of the user reads, in the order of the full plan (features, then event-time fields). */
const FIELDS = PLANS[0]!.spaces[0]!.fields;

/** Stored texts: values that fit some type and not others, and event times around NOW. */
const storedText = fc.oneof(
  fc.constantFrom('34', '-7', '12.5', '1e400', 'abc', '', '1', '0', 'true', '0.5,1', '1,2', 'x,y', '2026-01-01T00:00:00Z'),
  fc.integer({ min: -3 * HOUR, max: HOUR }).map((offset) => String(NOW + offset)),
  fc.string({ maxLength: 6 }),
);
/** A stored hash: a text or nothing per field of the full plan. */
const storedHash = fc.array(fc.option(storedText, { nil: null }), { minLength: FIELDS.length, maxLength: FIELDS.length });

/** The reply a plan's read gets from a hash stored as `hash` (fields of the full plan). */
const replyFor = (plan: ReadPlan, hash: readonly (string | null)[]): RawValues =>
  plan.spaces[0]!.fields.map((field) => hash[FIELDS.indexOf(field)]!);

/** Everything a reader can ask of the rows. */
function observed(rows: FeatureRows) {
  const { plan } = rows;
  const views = plan.spaces[0]!.views;
  return {
    cells: Array.from({ length: rows.length }, (_, row) =>
      plan.columns.map((_, column) => [rows.status(row, column), rows.json(row, column), rows.value(row, column), rows.columnEventTime(row, column)]),
    ),
    rows: Array.from({ length: rows.length }, (_, row) => ({
      found: rows.found(row),
      wrongType: rows.wrongType(row, 0),
      views: views.map((_, view) => [rows.eventTime(row, 0, view), rows.expired(row, 0, view)]),
      object: rows.objectJson(row),
    })),
    invalid: rows.invalidValues,
  };
}

describe('FeatureRows', () => {
  // Frozen replies (a near-cache's entries) are judged once per plan and the judgement copied on
  // later reads: whatever was read before, and at whatever time, a read of frozen replies must
  // answer exactly as a read of fresh copies of them.
  it('answers a read of frozen replies as one of fresh copies, after earlier reads of them at other times and plans', () => {
    fc.assert(
      fc.property(
        fc.array(storedHash, { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ plan: fc.constantFrom(...PLANS), rows: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), ago: fc.integer({ min: -HOUR, max: 3 * HOUR }), wrongType: fc.nat(8) }), {
          minLength: 1,
          maxLength: 6,
        }),
        (hashes, reads) => {
          // One frozen reply per hash and field list, as a near-cache keeps one entry per hash.
          const frozen = new Map<string, RawValues[]>();
          const frozenFor = (plan: ReadPlan) => {
            const layout = plan.spaces[0]!.fields.join();
            if (!frozen.has(layout)) frozen.set(layout, hashes.map((hash) => Object.freeze(replyFor(plan, hash))));
            return frozen.get(layout)!;
          };
          for (const read of reads) {
            // Rows may repeat a hash (the same frozen reply twice in one read); some rows hold another type.
            const picks = read.rows.map((pick) => pick % hashes.length);
            const keys = picks.map((pick) => `user:${pick}:features`);
            const now = NOW + read.ago;
            const wrong = (row: number) => row === read.wrongType;
            const lasting = picks.map((pick, row) => (wrong(row) ? WRONG_TYPE : frozenFor(read.plan)[pick]!));
            const fresh = picks.map((pick, row) => (wrong(row) ? WRONG_TYPE : [...replyFor(read.plan, hashes[pick]!)]));
            expect(observed(new FeatureRows(read.plan, [keys], [lasting], now))).toEqual(observed(new FeatureRows(read.plan, [keys], [fresh], now)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("writes a row's object as its features' names and values, in column order", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLANS), storedHash, (plan, hash) => {
        const reply = Object.freeze(replyFor(plan, hash));
        const read = () => new FeatureRows(plan, [['user:1:features']], [[reply]], NOW);
        const rows = read();
        const object = rows.objectJson(0);
        expect(Object.keys(JSON.parse(object))).toEqual(plan.columns.map((column) => column.feature.name));
        expect(JSON.parse(object)).toEqual(Object.fromEntries(plan.columns.map((column, index) => [column.feature.name, rows.value(0, index)])));
        // A later read of the same frozen values (the judgement and object kept from the first) answers the same.
        expect(read().objectJson(0)).toBe(object);
      }),
      { numRuns: 300 },
    );
  });
});
