import fc from 'fast-check';
import {
  BATCH_MAX_IDS,
  type BodyTarget,
  ENTITY,
  FEATURE_NAMES,
  FEATURE_TYPES,
  type FeatureName,
  type FeatureType,
  type FuzzCase,
  type KeyChoice,
  type LegacyBatchCase,
  type LegacyGetCase,
  MAX_DATE_MS,
  OPS_PATHS,
  type OpsCase,
  POOL_IDS,
  PUSH_MAX_ROWS,
  type PathParam,
  type PushCase,
  RawJson,
  type RawBodyCase,
  type ReadMethod,
  type RouterRefusalCase,
  type UnknownRouteCase,
  type V1BatchCase,
  type V1GetCase,
  VALID_ID,
  VIEW,
  isFeatureName,
} from './api-fuzz.cases';

/**
 * fast-check arbitraries of the API fuzz suite: valid, near-valid and hostile requests to every
 * route. Which answers are right is decided by the oracle (`api-fuzz.oracle.ts`).
 */

/** An object with exactly these own keys, `__proto__` included (an object literal would set the prototype). */
const objectOf = (entries: readonly (readonly [string, unknown])[]): Record<string, unknown> =>
  Object.fromEntries(entries);

type Entries = [string, unknown][];

// ---------------------------------------------------------------------------------------------
// Ids, feature names, values, event times, rows

const charIn = (min: number, max: number) => fc.integer({ min, max }).map((code) => String.fromCharCode(code));
const printableAscii = charIn(0x21, 0x7e);
const WEIRD_CHARS = [' ', '\t', '\n', '\r', '\u0000', '\u001f', '\u007f', '\u0085', '\u00a0', 'é', '\u2028', '\u200b', '😀'];

const validIdArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...POOL_IDS) },
  { weight: 3, arbitrary: fc.string({ unit: printableAscii, minLength: 1, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: printableAscii, minLength: 120, maxLength: 128 }) },
);

/** Strings that break the id rules: empty, too long, white space, control or non-ASCII characters. */
const invalidIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'a b', ' user00001', 'user00001 ', '\t', 'a\nb', '\u0000', '\u007f', 'é', '用户', '😀'),
  fc.tuple(validIdArb, fc.constantFrom(...WEIRD_CHARS), fc.nat()).map(([id, char, at]) => {
    const cut = at % (id.length + 1);
    return `${id.slice(0, cut)}${char}${id.slice(cut)}`;
  }),
  fc.string({ unit: printableAscii, minLength: 129, maxLength: 300 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }).filter((id) => !VALID_ID.test(id)),
);

/** Ids as they appear in JSON bodies: mostly valid, sometimes invalid or not a string at all. */
const bodyIdArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: validIdArb },
  { weight: 2, arbitrary: invalidIdArb },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(5, 0, -1, true, null, [], {}, ['user00001'], new RawJson('1e400')) },
);

/** Names no feature has: near misses, reserved fields, and the names of Object.prototype's members. */
const UNKNOWN_FEATURE_NAMES = [
  ...['height', 'Age', 'AGE', 'age ', ' age', '', 'age.', 'age\u0000', 'âge', '*', 'null', 'NaN'],
  ...['_t', '_ts:user_features', 'user_features', 'user'],
  ...['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'],
];

const unknownFeatureNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...UNKNOWN_FEATURE_NAMES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).filter((name) => !isFeatureName(name.trim())) },
);

const featureNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...FEATURE_NAMES) },
  { weight: 1, arbitrary: unknownFeatureNameArb },
);

const finiteDoubleArb = fc.double({ noNaN: true, noDefaultInfinity: true });
const notANumberArb = fc.constantFrom<unknown>('30', '', 'NaN', true, false, [], [1], {}, { value: 1 });
const nonFiniteArb = fc.constantFrom(new RawJson('1e400'), new RawJson('-1e400'), new RawJson('1e309'));
const nullArb = fc.constant<unknown>(null);

/** Values that fit each type, or null (unset). */
const FITTING_VALUE_ARBS: Record<FeatureType, fc.Arbitrary<unknown>> = {
  int: fc.oneof(fc.integer({ min: -1_000, max: 1_000 }), fc.maxSafeInteger(), nullArb),
  float: fc.oneof(finiteDoubleArb, nullArb),
  string: fc.oneof(fc.string({ maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 24 }), nullArb),
};

/** Values for a feature of each type: right ones, edge cases, near misses and other types. */
const VALUE_ARBS: Record<FeatureType, fc.Arbitrary<unknown>> = {
  int: fc.oneof(
    { weight: 8, arbitrary: FITTING_VALUE_ARBS.int },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        ...[Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, new RawJson('-0'), new RawJson('1.0'), new RawJson('1E2')],
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(1.5, -0.25, 2 ** 53, -(2 ** 53), 1e21, new RawJson('9007199254740993')),
    },
    { weight: 1, arbitrary: fc.oneof(notANumberArb, nonFiniteArb) },
  ),
  float: fc.oneof(
    { weight: 8, arbitrary: FITTING_VALUE_ARBS.float },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        ...[0, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1e21, 0.1, new RawJson('-0.0'), new RawJson('1e-400')],
      ),
    },
    { weight: 1, arbitrary: fc.oneof(notANumberArb, nonFiniteArb) },
  ),
  string: fc.oneof(
    { weight: 8, arbitrary: FITTING_VALUE_ARBS.string },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        ...['', '\u0000', '\ud800', 'a\udc00b', '"},{', '\\', '</script>', '%s%n', '${x}', 'x'.repeat(5_000)],
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(5, 0, true, [], ['F'], {}, new RawJson('1e400')) },
  ),
};

const featureEntryArb: fc.Arbitrary<readonly [string, unknown]> = featureNameArb.chain((name) => {
  const values = isFeatureName(name) ? VALUE_ARBS[FEATURE_TYPES[name]] : fc.oneof(fc.integer(), fc.string(), nullArb);
  return values.map((value) => [name, value] as const);
});

const featuresArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.array(featureEntryArb, { maxLength: 6 }).map(objectOf) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], [{ age: 1 }], 'age=1', 5, true) },
);

const DAY_MS = 86_400_000;
/** 9999-12-31T21:59:59.999Z: the ISO-8601 forms below keep a four-digit year. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999 - 2 * 3_600_000;

export interface TimeWindow {
  /** Explicit event times up to this are "in the past" of every row pushed without one. */
  readonly pastMax: number;
  /** Explicit event times from this are "in the future" of every row pushed without one. */
  readonly futureMin: number;
}

/**
 * Explicit event times stay far from "now" (a row pushed without one gets the time of receipt),
 * so that the oracle orders rows exactly as the server does without knowing its clock.
 */
export function timeWindow(now = Date.now()): TimeWindow {
  return { pastMax: now - DAY_MS, futureMin: now + 3_650 * DAY_MS };
}

function isoFormats(ms: number): fc.Arbitrary<string> {
  const iso = new Date(ms).toISOString();
  const shifted = new Date(ms + 2 * 3_600_000).toISOString().slice(0, 19);
  return fc.constantFrom(iso, `${iso.slice(0, 19)}Z`, iso.slice(0, 10), `${shifted}+02:00`, `${shifted}.000+02:00`);
}

/** Valid `event_ts` values: absent or null (the time of receipt), epoch ms, ISO-8601, with frequent ties. */
function validEventTsArb(window: TimeWindow): fc.Arbitrary<{ value?: unknown }> {
  const msUpTo = (max: number) =>
    fc.oneof(
      fc.integer({ min: 0, max: window.pastMax }),
      fc.integer({ min: window.futureMin, max }),
      fc.constantFrom(0, 1, 1_700_000_000_000, 1_704_067_200_000, 4_102_444_800_000),
    );
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.constant({ value: null }) },
    { weight: 4, arbitrary: fc.oneof(msUpTo(MAX_DATE_MS), fc.constant(MAX_DATE_MS)).map((value) => ({ value })) },
    { weight: 3, arbitrary: msUpTo(LAST_FOUR_DIGIT_YEAR_MS).chain(isoFormats).map((value) => ({ value })) },
    { weight: 1, arbitrary: fc.constantFrom(new RawJson('1.7e12'), new RawJson('1E3'), new RawJson('-0')).map((value) => ({ value })) },
  );
}

/** Neither epoch milliseconds nor ISO-8601. */
const INVALID_EVENT_TIMES: unknown[] = [
  ...[-1, -DAY_MS, 1.5, 0.1, 2 ** 53, 1e21, new RawJson('1e400'), new RawJson('1.5e0'), true, [], {}],
  ...['yesterday', '', 'NaN', 'Infinity', '1700000000000', '2024/05/06', '+275760-09-13T00:00:00.000Z'],
  ...['2024-13-45', '2024-05-06T25:00:00Z', '2024-05-06T07:08:09+25:00', '1969-12-31T23:59:59Z', '0000-01-01T00:00:00Z'],
];

function eventTsArb(window: TimeWindow): fc.Arbitrary<{ value?: unknown }> {
  return fc.oneof(
    { weight: 12, arbitrary: validEventTsArb(window) },
    { weight: 2, arbitrary: fc.constantFrom(...INVALID_EVENT_TIMES).map((value) => ({ value })) },
  );
}

/** A row that fits the view, mostly on the ids that reads ask for. */
function validRowArb(window: TimeWindow): fc.Arbitrary<unknown> {
  const entry = (name: FeatureName) => FITTING_VALUE_ARBS[FEATURE_TYPES[name]].map((value) => [name, value] as const);
  const features = fc
    .subarray(FEATURE_NAMES)
    .chain((names) => fc.tuple(...names.map(entry)))
    .map(objectOf);
  return fc
    .record({
      id: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...POOL_IDS) }, { weight: 1, arbitrary: validIdArb }),
      eventTs: validEventTsArb(window),
      features,
    })
    .map(({ id, eventTs, features: values }) => {
      const time: Entries = 'value' in eventTs ? [['event_ts', eventTs.value]] : [];
      return objectOf([['id', id], ...time, ['features', values]]);
    });
}

/** A row as pushed, often off: keys left out or joined by junk, bad ids, times, names or values. */
function rowArb(window: TimeWindow): fc.Arbitrary<unknown> {
  const junk = fc.constantFrom<[string, unknown]>(['ts', 1], ['extra', { a: 1 }], ['toString', 1], ['constructor', 'x']);
  return fc
    .record({
      id: fc.option(bodyIdArb, { nil: undefined, freq: 30 }),
      eventTs: eventTsArb(window),
      features: fc.option(featuresArb, { nil: undefined, freq: 30 }),
      junk: fc.option(junk, { freq: 10 }),
    })
    .map(({ id, eventTs, features, junk: extra }) => {
      const entries: Entries = [];
      if (id !== undefined) entries.push(['id', id]);
      if ('value' in eventTs) entries.push(['event_ts', eventTs.value]);
      if (features !== undefined) entries.push(['features', features]);
      if (extra) entries.push(extra);
      return objectOf(entries);
    });
}

/** `rows` of a push: valid rows, rows that are off, boundary counts, non-objects, non-arrays. */
function rowsArb(window: TimeWindow): fc.Arbitrary<unknown> {
  const row = rowArb(window);
  return fc.oneof(
    { weight: 12, arbitrary: fc.array(validRowArb(window), { minLength: 1, maxLength: 6 }) },
    { weight: 12, arbitrary: fc.array(row, { minLength: 1, maxLength: 6 }) },
    { weight: 1, arbitrary: fc.array(row, { minLength: PUSH_MAX_ROWS - 1, maxLength: PUSH_MAX_ROWS + 1 }) },
    { weight: 1, arbitrary: fc.constant([]) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.array(row, { maxLength: 3 }), fc.constantFrom<unknown>(null, 5, 'row', [], [{ id: 'a' }], true), fc.nat())
        .map(([rows, bad, at]) => {
          const cut = at % (rows.length + 1);
          return [...rows.slice(0, cut), bad, ...rows.slice(cut)];
        }),
    },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, {}, { id: 'x', features: {} }, 'rows', 5) },
  );
}

// ---------------------------------------------------------------------------------------------
// URL parts

const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
const hexByte = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

function encodeSegment(value: string, style: 'component' | 'every-byte' | 'minimal'): string {
  switch (style) {
    case 'component':
      return encodeURIComponent(value);
    case 'every-byte':
      return [...Buffer.from(value, 'utf8')].map(hexByte).join('');
    case 'minimal':
      return [...value].map((char) => (PCHAR.test(char) ? char : encodeURIComponent(char))).join('');
  }
}

/**
 * A path parameter for `value`, percent-encoded in one of several equivalent ways, within the
 * router's 1,024 characters. "." and ".." are left out: clients resolve them as dot segments.
 */
function pathParamArb(valueArb: fc.Arbitrary<string>): fc.Arbitrary<PathParam> {
  return fc
    .tuple(valueArb, fc.constantFrom('component' as const, 'every-byte' as const, 'minimal' as const))
    .filter(([value]) => value !== '.' && value !== '..')
    .map(([value, style]) => ({ value, segment: encodeSegment(value, style) }))
    .filter((param) => param.segment.length <= 1_000);
}

const fixed = (value: string): PathParam => ({ value, segment: encodeURIComponent(value) });

const pathIdArb = pathParamArb(fc.oneof({ weight: 6, arbitrary: validIdArb }, { weight: 1, arbitrary: invalidIdArb }));

const OTHER_ENTITIES = [
  ...['users', 'User', 'USER', 'order', VIEW, 'all_users', 'user:1', '*', '%', 'user '],
  ...['__proto__', 'constructor', 'toString'],
];
const entityArb = pathParamArb(
  fc.oneof(
    { weight: 10, arbitrary: fc.constant(ENTITY) },
    { weight: 1, arbitrary: fc.constantFrom(...OTHER_ENTITIES) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name !== ENTITY) },
  ),
);

const OTHER_VIEWS = ['user', 'User_Features', `${VIEW} `, `${VIEW}:x`, '__proto__', 'constructor', 'toString', '*'];
const viewArb = pathParamArb(
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(VIEW) },
    { weight: 1, arbitrary: fc.constantFrom(...OTHER_VIEWS) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name !== VIEW) },
  ),
);

/** One item of a `?features=` list: a padded name, possibly empty or unknown. */
const featureQueryItemArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom('', '', '', ' ', '\t'), featureNameArb, fc.constantFrom('', '', ' '))
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.constant('') },
);

/**
 * `?features=` occurrences: distinct names (over one or two occurrences), or comma lists with
 * padding, empty items, repeats and unknown names.
 */
const featureQueryArb = fc.option(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.tuple(fc.shuffledSubarray(FEATURE_NAMES, { minLength: 1 }), fc.nat()).map(([names, cut]) => {
        const at = cut % names.length;
        return at === 0 ? [names.join(',')] : [names.slice(0, at).join(','), names.slice(at).join(' , ')];
      }),
    },
    {
      weight: 2,
      arbitrary: fc.array(
        fc.array(featureQueryItemArb, { minLength: 1, maxLength: 6 }).map((names) => names.join(',')),
        { minLength: 1, maxLength: 2 },
      ),
    },
  ),
  { nil: undefined, freq: 3 },
);

/** `?event_times=` occurrences. */
const eventTimesQueryArb = fc.option(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(['true'], ['false']) },
    {
      weight: 1,
      arbitrary: fc.array(fc.constantFrom('true', 'false', 'TRUE', 'True', '1', '0', 'yes', '', ' true'), {
        minLength: 1,
        maxLength: 2,
      }),
    },
  ),
  { nil: undefined, freq: 2 },
);

/** Query parameters no route reads. */
const junkQueryArb = fc.array(
  fc.constantFrom('__proto__=1', 'constructor=x', 'features[]=age', 'x=%zz', 'event_times[]=true', 'a=b', '=', '&', 'user_ids=x'),
  { maxLength: 2 },
);

// ---------------------------------------------------------------------------------------------
// Cases

const OTHER_KEYS: KeyChoice[] = ['reader', 'none', 'unknown', 'last-char', 'upper-case', 'longer', 'empty', 'both'];
const keyArb: fc.Arbitrary<KeyChoice> = fc.oneof(
  { weight: 24, arbitrary: fc.constant<KeyChoice>('writer') },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_KEYS) },
);

const readMethodArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant<ReadMethod>('GET') },
  { weight: 1, arbitrary: fc.constant<ReadMethod>('HEAD') },
);

/** Id lists: valid and invalid ids, boundary sizes, repeats, not a list of strings. */
const idListArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 14, arbitrary: fc.array(bodyIdArb, { minLength: 1, maxLength: 8 }) },
  { weight: 2, arbitrary: fc.array(validIdArb, { minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.array(validIdArb, { minLength: BATCH_MAX_IDS - 1, maxLength: BATCH_MAX_IDS + 1 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validIdArb, fc.integer({ min: 2, max: BATCH_MAX_IDS + 2 }))
      .map(([id, count]) => Array<string>(count).fill(id)),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([], null, 'user00001', 5, {}, { 0: 'user00001' }, [['user00001']]) },
);

const NOT_OBJECT_BODIES = [null, 5, 'user00001', true, [], ['user00001'], {}];

/** A batch read body: the id list under `idsKey` (sometimes beside junk, or misnamed), or not an object. */
function batchBodyArb(idsKey: string, ids: fc.Arbitrary<unknown>, extra: fc.Arbitrary<Entries>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 20, arbitrary: fc.tuple(ids, extra).map(([list, more]) => objectOf([[idsKey, list], ...more])) },
    { weight: 1, arbitrary: idListArb.map((list) => objectOf([[`${idsKey}s`, list]])) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(...NOT_OBJECT_BODIES, [objectOf([[idsKey, ['user00001']]])]) },
  );
}

const junkKeysArb: fc.Arbitrary<Entries> = fc
  .option(fc.constantFrom<[string, unknown]>(['extra', 1], ['toString', 'x'], ['constructor', 1], ['user_id', 'x']), { freq: 8 })
  .map((junk) => (junk ? [junk] : []));

export const legacyGetArb: fc.Arbitrary<LegacyGetCase> = fc.record({
  kind: fc.constant('legacy-get' as const),
  method: readMethodArb,
  id: pathIdArb,
});

export const legacyBatchArb: fc.Arbitrary<LegacyBatchCase> = fc.record({
  kind: fc.constant('legacy-batch' as const),
  body: batchBodyArb('user_ids', idListArb, junkKeysArb),
});

export const v1GetArb: fc.Arbitrary<V1GetCase> = fc
  .record({
    method: readMethodArb,
    entity: entityArb,
    id: pathIdArb,
    features: featureQueryArb,
    eventTimes: eventTimesQueryArb,
    junk: junkQueryArb,
  })
  .map((parts) => ({ kind: 'v1-get' as const, ...parts }));

const featuresEntry = (features: unknown): Entries => [['features', features]];

/** `features` of a v1 batch body: left out, distinct names, repeats, unknown names, empty, null, not a list. */
const bodyFeaturesArb: fc.Arbitrary<Entries> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Entries>([]) },
  { weight: 6, arbitrary: fc.shuffledSubarray(FEATURE_NAMES, { minLength: 1 }).map(featuresEntry) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...FEATURE_NAMES), { minLength: 2, maxLength: 6 }).map(featuresEntry) },
  { weight: 2, arbitrary: fc.array(featureNameArb, { minLength: 1, maxLength: 4 }).map(featuresEntry) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([], null, 'age', ['age', 5], [['age']], {}, 5).map(featuresEntry) },
);

export const v1BatchArb: fc.Arbitrary<V1BatchCase> = fc
  .record({
    entity: entityArb,
    eventTimes: eventTimesQueryArb,
    body: batchBodyArb(
      'ids',
      // v1 batches refuse repeated ids: mostly distinct ones.
      fc.oneof(
        { weight: 2, arbitrary: fc.uniqueArray(validIdArb, { minLength: 1, maxLength: 8 }) },
        { weight: 1, arbitrary: idListArb },
      ),
      fc.tuple(bodyFeaturesArb, junkKeysArb).map(([features, junk]) => [...features, ...junk]),
    ),
  })
  .map((parts) => ({ kind: 'v1-batch' as const, ...parts }));

export function pushArb(window: TimeWindow): fc.Arbitrary<PushCase> {
  const shape = fc.oneof(
    { weight: 30, arbitrary: fc.constant('object' as const) },
    { weight: 1, arbitrary: fc.constantFrom('array' as const, 'rows-only' as const, 'null' as const) },
  );
  return fc
    .record({ view: viewArb, key: keyArb, rows: rowsArb(window), extra: junkKeysArb, shape })
    .map(({ view, key, rows, extra, shape: kind }) => {
      const bodies = {
        object: objectOf([['rows', rows], ...extra]),
        array: [objectOf([['rows', rows]])],
        'rows-only': rows,
        null: null,
      };
      return { kind: 'push' as const, view, key, body: bodies[kind] };
    });
}

export const opsArb: fc.Arbitrary<OpsCase> = fc.record({
  kind: fc.constant('ops' as const),
  method: readMethodArb,
  path: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...OPS_PATHS.slice(0, 3)) },
    { weight: 1, arbitrary: fc.constantFrom(...OPS_PATHS.slice(3)) },
  ),
  junk: junkQueryArb,
});

const OTHER_METHODS = [
  ...['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'],
  ...['PROPFIND', 'SEARCH', 'LOCK', 'UNLOCK', 'MKCOL', 'COPY', 'MOVE'],
];
const ROUTE_PATHS = [
  ...['/features/user00001', '/features/batch', '/v1/features/user/user00001', '/v1/features/user/batch', `/v1/push/${VIEW}`],
  ...['/health', '/health/ready', '/health/live'],
  ...['/v1/features', '/get-online-features', '/push', '/write-to-online-store'],
];
/** Routes that take POST only. */
const POST_ONLY = ['/v1/features', '/get-online-features', '/push', '/write-to-online-store'];
const NOT_ROUTES = [
  ...['/', '/features', '/features/a/b', '/v1', '/v1/features/user', '/v1/features/user/a/b'],
  ...['/v1/push', '/v1/push/', `/v1/push/${VIEW}/x`, '/health/', '/health/x', '/HEALTH', '/Features/user00001'],
  ...['/v2/features/user/x', '/%2e%2e/etc/passwd', '/features%2Fuser00001'],
];

const unknownRoute = (
  method: fc.Arbitrary<string>,
  path: fc.Arbitrary<string>,
  body?: fc.Arbitrary<string>,
): fc.Arbitrary<UnknownRouteCase> => {
  const kind = fc.constant('unknown-route' as const);
  return body === undefined ? fc.record({ kind, method, path }) : fc.record({ kind, method, path, body });
};

export const unknownRouteArb: fc.Arbitrary<UnknownRouteCase> = fc.oneof(
  unknownRoute(fc.constantFrom(...OTHER_METHODS), fc.constantFrom(...ROUTE_PATHS)),
  unknownRoute(
    fc.constant('POST'),
    fc.constantFrom('/features/user00001', '/health', '/health/live', '/v1/features/user/user00001'),
    fc.constantFrom('{}', '{"user_ids":["user00001"]}'),
  ),
  unknownRoute(fc.constantFrom('GET', 'HEAD'), fc.constantFrom(`/v1/push/${VIEW}`, '/v1/push/x', ...POST_ONLY)),
  unknownRoute(fc.constantFrom('GET', 'POST', ...OTHER_METHODS), fc.constantFrom(...NOT_ROUTES)),
  unknownRoute(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    fc
      .array(fc.string({ minLength: 1, maxLength: 10 }).map(encodeURIComponent), { minLength: 1, maxLength: 4 })
      .map((segments) => `/zz-${segments.join('/')}`),
  ),
);

// Raw bodies ----------------------------------------------------------------------------------

const bodyTargetArb: fc.Arbitrary<BodyTarget> = fc.oneof(
  fc.constant({ route: 'legacy-batch' as const }),
  entityArb.map((entity) => ({ route: 'v1-batch' as const, entity })),
  fc.tuple(viewArb, keyArb).map(([view, key]) => ({ route: 'push' as const, view, key })),
);

/** A body the target accepts, as JSON text. */
function validBodyText(target: BodyTarget, id: string): string {
  switch (target.route) {
    case 'legacy-batch':
      return JSON.stringify({ user_ids: [id] });
    case 'v1-batch':
      return JSON.stringify({ ids: [id], features: ['age'] });
    case 'push':
      return JSON.stringify({ rows: [{ id, event_ts: 1_000, features: { age: 1 } }] });
  }
}

/** JSON content types (parameters and case do not change the media type). */
const JSON_CONTENT_TYPES = [
  ...['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8'],
  'application/json; foo=bar',
];

const MALFORMED_JSON = [
  ...['{', '{"rows": [', "{'user_ids': ['a']}", '{"user_ids": ["a"],}', '{"rows": NaN}', '{"ids": undefined}'],
  ...['{"a":1}{"b":2}', '{"a":1} x', '\u0000', '{"a":"\u0001"}', '{"a":1', '[1,2', '{"ids":["a"]]}'],
];

const malformedJsonArb = (valid: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer({ min: 1, max: valid.length - 1 }).map((cut) => valid.slice(0, cut)),
    fc.constantFrom(...MALFORMED_JSON),
    fc.string({ minLength: 1, maxLength: 30 }).filter((text) => !isJson(text)),
  );

const nonObjectJsonArb = fc.constantFrom('null', '5', '-0', '"user_ids"', 'true', '[]', '[{}]', '[null]', '{}');

/** Bodies with `__proto__` or `constructor.prototype` keys, which must never reach a handler. */
const poisonedJsonArb = (valid: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    `{"__proto__":{"polluted":1},${valid.slice(1)}`,
    `${valid.slice(0, -1)},"__proto__":{"isAdmin":true}}`,
    `{"constructor":{"prototype":{"polluted":1}},${valid.slice(1)}`,
    valid.replace('{"age"', '{"__proto__":{"age":1},"age"').replace('"ids":[', '"ids":[{"__proto__":{}},'),
    valid.replace('[', '[{"constructor":{"prototype":{"x":1}}},'),
  );

export const rawBodyArb: fc.Arbitrary<RawBodyCase> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.tuple(bodyTargetArb, validIdArb).chain(([target, id]) => {
      const valid = validBodyText(target, id);
      const text = fc.oneof(
        malformedJsonArb(valid),
        nonObjectJsonArb,
        poisonedJsonArb(valid),
        fc.constantFrom(valid, `\ufeff${valid}`, ` \n${valid}\n `, ''),
      );
      return fc.record({
        kind: fc.constant('raw-body' as const),
        target: fc.constant(target),
        contentType: fc.constantFrom(...JSON_CONTENT_TYPES),
        text,
      });
    }),
  },
  {
    weight: 1,
    // About 1 MB each: few of them.
    arbitrary: fc.record({
      kind: fc.constant('raw-body' as const),
      target: fc.constantFrom<BodyTarget>({ route: 'legacy-batch' }, { route: 'push', view: fixed(VIEW), key: 'writer' }),
      contentType: fc.constant('application/json'),
      limitDelta: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -4_000, max: 4_000 })),
    }),
  },
);

const FORM = 'application/x-www-form-urlencoded';
const NON_JSON_CONTENT_TYPES = [
  ...[null, '', 'text/plain', 'text/plain; charset=utf-8', 'multipart/form-data; boundary=x', 'application/xml'],
  ...['text/html', 'application/octet-stream', 'application/json-patch+json', 'application/vnd.api+json'],
  ...['application/jsonx', '*/*', 'json'],
];

/** Media types other than JSON (README: bodies are JSON), with JSON or form-encoded bodies. */
export const nonJsonBodyArb: fc.Arbitrary<RawBodyCase> = fc.tuple(bodyTargetArb, validIdArb).chain(([target, id]) => {
  const form = (pairs: string[][]) => new URLSearchParams(pairs).toString();
  const json = validBodyText(target, id);
  const forms = [
    form([['user_ids', id], ['user_ids', 'user00001'], ['ids', id], ['ids', 'user00001'], ['features', 'age']]),
    form([['user_ids', id]]),
  ];
  return fc.oneof(
    fc.record({
      kind: fc.constant('raw-body' as const),
      target: fc.constant(target),
      contentType: fc.constantFrom(...NON_JSON_CONTENT_TYPES),
      text: fc.constantFrom(json, ...forms),
    }),
    fc.record({
      kind: fc.constant('raw-body' as const),
      target: fc.constant(target),
      contentType: fc.constant(FORM),
      text: fc.constantFrom(...forms, json),
    }),
  );
});

/** Bodies nested `depth` levels deep where a scalar is expected (about 2 bytes a level, far below the size limit). */
export const deepBodyArb: fc.Arbitrary<RawBodyCase> = fc
  .tuple(bodyTargetArb, fc.integer({ min: 1, max: 20_000 }), fc.boolean())
  .map(([target, depth, arrays]) => {
    const nested = arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const text = {
      'legacy-batch': `{"user_ids":["user00001",${nested}]}`,
      'v1-batch': `{"ids":["user00001"],"features":${nested}}`,
      push: `{"rows":[{"id":"deep","features":{"age":${nested}}}]}`,
    }[target.route];
    return { kind: 'raw-body' as const, target, contentType: 'application/json', text };
  });

/** v1 reads naming features hundreds or thousands of times. */
export const longFeatureListArb: fc.Arbitrary<V1GetCase | V1BatchCase> = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom(...POOL_IDS), { minLength: 1, maxLength: 3 }),
    fc.integer({ min: 1, max: 10_000 }),
    fc.subarray(FEATURE_NAMES, { minLength: 1 }),
    fc.boolean(),
  )
  .map(([ids, count, names, get]): V1GetCase | V1BatchCase => {
    const features = Array.from({ length: count }, (_, index) => names[index % names.length]);
    if (get) {
      // A URL stays under Node's 16 KB header limit, as a real server enforces it.
      const list = features.slice(0, 300).join(',');
      return { kind: 'v1-get', method: 'GET', entity: fixed(ENTITY), id: fixed(ids[0]), features: [list], junk: [] };
    }
    return { kind: 'v1-batch', entity: fixed(ENTITY), body: { ids, features } };
  });

const BAD_ESCAPES = ['%', '%z', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%80', '%%', '%u0041'];

/** Malformed percent-encoding, or a parameter over the router's 1,024 characters. */
export const routerRefusalArb: fc.Arbitrary<RouterRefusalCase> = fc
  .tuple(
    fc.oneof(
      fc.tuple(fc.constantFrom('', 'user', 'user00001'), fc.constantFrom(...BAD_ESCAPES)).map((parts) => parts.join('')),
      fc.integer({ min: 1_025, max: 6_000 }).map((length) => 'x'.repeat(length)),
    ),
    fc.constantFrom('legacy-get', 'v1-get-id', 'v1-get-entity', 'v1-batch', 'push'),
  )
  .map(([segment, route]): RouterRefusalCase => {
    switch (route) {
      case 'legacy-get':
        return { kind: 'router-refusal', method: 'GET', path: `/features/${segment}` };
      case 'v1-get-id':
        return { kind: 'router-refusal', method: 'GET', path: `/v1/features/user/${segment}` };
      case 'v1-get-entity':
        return { kind: 'router-refusal', method: 'GET', path: `/v1/features/${segment}/user00001` };
      case 'v1-batch':
        return { kind: 'router-refusal', method: 'POST', path: `/v1/features/${segment}/batch`, body: '{"ids":["user00001"]}' };
      default:
        return {
          kind: 'router-refusal',
          method: 'POST',
          path: `/v1/push/${segment}`,
          body: '{"rows":[{"id":"refused","features":{}}]}',
        };
    }
  });

/** An event time at the end of a Date's range or past it (still a safe integer), and a v1 read of it. */
export const edgeTimeArb = fc.record({
  eventTs: fc.oneof(
    fc.integer({ min: MAX_DATE_MS - 5, max: MAX_DATE_MS + 5 }),
    fc.integer({ min: MAX_DATE_MS, max: Number.MAX_SAFE_INTEGER }),
    fc.constant(Number.MAX_SAFE_INTEGER),
  ),
  read: fc.constantFrom('v1-get' as const, 'v1-batch' as const),
});

/** The push and the read of `edgeTimeArb` for one id. */
export function edgeTimeCases(id: string, eventTs: number, read: 'v1-get' | 'v1-batch'): [PushCase, V1GetCase | V1BatchCase] {
  const rows = [{ id, event_ts: eventTs, features: { age: 1 } }];
  const push: PushCase = { kind: 'push', view: fixed(VIEW), key: 'writer', body: { rows } };
  const readCase: V1GetCase | V1BatchCase =
    read === 'v1-get'
      ? { kind: 'v1-get', method: 'GET', entity: fixed(ENTITY), id: fixed(id), eventTimes: ['true'], junk: [] }
      : { kind: 'v1-batch', entity: fixed(ENTITY), eventTimes: ['true'], body: { ids: [id] } };
  return [push, readCase];
}

/** `x-request-id` values a client may send (README: echoed, or a new UUID). */
const requestIdArb = fc.oneof(
  fc.string({ unit: charIn(0x20, 0x7e), maxLength: 40 }),
  fc.constantFrom('', 'fuzz-request-1', 'é-latin-1', 'x'.repeat(4_000), '00000000-0000-0000-0000-000000000000'),
);

/** Gives one case in ten an `x-request-id`. */
export function withRequestId<T extends FuzzCase>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc
    .tuple(arb, fc.option(requestIdArb, { nil: undefined, freq: 10 }))
    .map(([c, requestId]) => (requestId === undefined ? c : { ...c, requestId }));
}

/** Any case of the route properties, for sequences that mix every route. */
export function anyCaseArb(window: TimeWindow): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    { weight: 5, arbitrary: pushArb(window) },
    { weight: 3, arbitrary: legacyGetArb },
    { weight: 3, arbitrary: legacyBatchArb },
    { weight: 3, arbitrary: v1GetArb },
    { weight: 3, arbitrary: v1BatchArb },
    { weight: 1, arbitrary: opsArb },
    { weight: 1, arbitrary: unknownRouteArb },
    { weight: 2, arbitrary: rawBodyArb },
  );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
