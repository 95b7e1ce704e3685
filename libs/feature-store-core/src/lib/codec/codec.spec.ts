import { FeatureStoreErrorCode } from '../errors';
import type { FeatureDefinition, FeatureType } from '../registry/registry.types';
import fc from 'fast-check';
import { decodeValue, encodeValue, fromText, jsonString, toEpochMs, valueJson } from './codec';

const feature = (type: FeatureType, dimension: number | null = null): FeatureDefinition => ({
  name: 'f',
  type,
  view: 'v',
  dimension,
  maxLength: type === 'string' ? 16 : null,
  examples: null,
  description: null,
});

describe('codec', () => {
  it.each<[FeatureType, unknown, string]>([
    ['int', 34, '34'],
    ['int', -7, '-7'],
    ['int', Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ['float', 12.5, '12.5'],
    ['float', 0.1, '0.1'],
    ['float', 3, '3'],
    ['string', 'electronics', 'electronics'],
    ['string', '', ''],
    ['bool', true, '1'],
    ['bool', false, '0'],
    ['timestamp', 1764201600000, '1764201600000'],
    ['timestamp', '2025-11-27T00:00:00Z', '1764201600000'],
    ['timestamp', '2025-11-27T01:00:00+01:00', '1764201600000'],
    ['float_vector', [0.25, -1, 3.5], '0.25,-1,3.5'],
    ['float_vector', [], ''],
  ])('encodes %s %j as %j', (type, value, stored) => {
    expect(encodeValue(feature(type), value)).toBe(stored);
  });

  it.each<[FeatureType, unknown, string]>([
    ['int', 1.5, 'expected an integer'],
    ['int', '34', 'expected an integer'],
    ['int', 2 ** 53, 'outside the safe range'],
    ['int', NaN, 'expected an integer'],
    ['float', Infinity, 'finite number'],
    ['float', NaN, 'finite number'],
    ['float', '1.5', 'finite number'],
    ['string', 5, 'expected a string'],
    ['bool', 1, 'true or false'],
    ['bool', 'true', 'true or false'],
    ['timestamp', 'yesterday', 'ISO-8601'],
    ['timestamp', -1, 'ISO-8601'],
    ['timestamp', 1.5, 'ISO-8601'],
    ['float_vector', [1, 'a'], 'array of finite numbers'],
    ['float_vector', [1, NaN], 'array of finite numbers'],
    ['float_vector', '1,2', 'array of finite numbers'],
    ['string', 'x'.repeat(17), 'longer than its max_length of 16 characters (17)'],
    ['float_vector', new Array(4_097).fill(1), 'expected at most 4096 numbers, got 4097'],
  ])('rejects %s %j (%s)', (type, value, reason) => {
    expect(() => encodeValue(feature(type), value)).toThrow(
      expect.objectContaining({ code: FeatureStoreErrorCode.InvalidRow, location: { field: 'f' } }),
    );
    expect(() => encodeValue(feature(type), value)).toThrow(reason);
  });

  it('checks the declared dimension of a vector', () => {
    expect(encodeValue(feature('float_vector', 2), [1, 2])).toBe('1,2');
    expect(() => encodeValue(feature('float_vector', 2), [1, 2, 3])).toThrow('expected 2 numbers, got 3');
  });

  it.each<[FeatureType, string, unknown]>([
    ['int', '34', 34],
    ['int', '34.0', 34],
    ['float', '12.5', 12.5],
    ['float', '7', 7],
    ['string', '42', '42'],
    ['bool', '1', true],
    ['bool', '0', false],
    ['bool', 'True', true],
    ['bool', 'false', false],
    ['timestamp', '1764201600000', '2025-11-27T00:00:00.000Z'],
    ['float_vector', '0.25,-1,3.5', [0.25, -1, 3.5]],
    ['float_vector', '', []],
  ])('decodes %s %j as %j', (type, raw, value) => {
    expect(decodeValue(feature(type), raw)).toEqual(value);
  });

  it.each<[FeatureType, string]>([
    ['int', 'abc'],
    ['int', '1.5'],
    ['int', ''],
    ['float', 'nan'],
    ['float', ''],
    ['bool', 'yes'],
    ['timestamp', 'x'],
    ['timestamp', '8640000000000001'],
    ['float_vector', '1,,2'],
    ['int', 'N/A'],
    ['int', '9007199254740993'],
    ['float', '1e400'],
    ['float', '-Infinity'],
    ['float_vector', '1,1e999'],
  ])('reads a stored %s %j that does not fit the type as invalid (undefined)', (type, raw) => {
    expect(decodeValue(feature(type), raw)).toBeUndefined();
    expect(valueJson(feature(type))(raw)).toBeUndefined();
  });

  // valueJson writes common numbers as their stored text: it must mean what decodeValue reads,
  // serialized the standard way (JSON has no negative zero to keep).
  it.each<FeatureType>(['int', 'float', 'string', 'bool', 'timestamp', 'float_vector'])(
    'writes a stored %s as JSON text that parses to what decodeValue reads, or neither reads it',
    (type) => {
      const stored = fc.oneof(
        fc.string(),
        fc.stringMatching(/^-?\d{1,20}(\.\d{0,22})?([eE][+-]?\d{1,3})?$/),
        fc.double().map(String),
        fc.integer().map(String),
        fc.constantFrom('0', '-0', '1', 'true', 'False', '.5', '5.', '007', ' 1', '1e400', '0x10', ''),
        fc.array(fc.double().map(String), { maxLength: 4 }).map((parts) => parts.join(',')),
      );
      fc.assert(
        fc.property(stored, (raw) => {
          const json = valueJson(feature(type))(raw);
          const value = decodeValue(feature(type), raw);
          if (value === undefined) expect(json).toBeUndefined();
          else expect(JSON.stringify(JSON.parse(json!))).toBe(JSON.stringify(value));
        }),
        { numRuns: 2_000 },
      );
    },
  );

  // jsonString writes text with nothing to escape between quotes itself: byte for byte what
  // JSON.stringify writes, for any text (quotes, backslashes, control characters, lone surrogates).
  it('writes every string as JSON.stringify does', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0000', '\u001f', ' ', '\u007f', '\u2028', '\ud800', '\udfff', '😀', 'é') }),
    );
    fc.assert(
      fc.property(text, (value) => expect(jsonString(value)).toBe(JSON.stringify(value))),
      { numRuns: 5_000 },
    );
  });

  it.each<[FeatureType, unknown]>([
    ['int', 9007199254740991],
    ['int', -9007199254740991],
    ['float', 1e-300],
    ['float', 123456.789],
    ['string', 'ünïcødé ✓'],
    ['bool', true],
    ['float_vector', [1e21, 5e-324, -0.3]],
  ])('round-trips %s %j', (type, value) => {
    expect(decodeValue(feature(type), encodeValue(feature(type), value))).toEqual(value);
  });

  it('parses event times', () => {
    expect(toEpochMs(0)).toBe(0);
    expect(toEpochMs('2025-11-27')).toBe(Date.UTC(2025, 10, 27));
    expect(toEpochMs('2025-11-27T00:00:00.123Z')).toBe(Date.UTC(2025, 10, 27) + 123);
    expect(toEpochMs('2025-13-45T00:00:00Z')).toBeUndefined();
    expect(toEpochMs(null)).toBeUndefined();
    expect(toEpochMs(2 ** 53)).toBeUndefined();
    expect(toEpochMs(253_402_300_799_999)).toBe(253_402_300_799_999);
    expect(toEpochMs(253_402_300_800_000)).toBeUndefined();
    expect(toEpochMs(1_764_201_600_000_000)).toBeUndefined(); // microseconds by mistake
    expect(toEpochMs('9999-12-31T23:59:59.999Z')).toBe(253_402_300_799_999);
  });

  it.each<[string, number | undefined]>([
    ['2026-01-01T00:00:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01 00:00:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01T10:59:42.123456', Date.UTC(2026, 0, 1, 10, 59, 42, 123)],
    ['2022-05-13 10:59:42+00:00', Date.UTC(2022, 4, 13, 10, 59, 42)],
    ['2022-05-13 10:59:42.5+02:00', Date.UTC(2022, 4, 13, 8, 59, 42, 500)],
    ['2022-05-13T10:59-0130', Date.UTC(2022, 4, 13, 12, 29)],
    ['2022-05-13T10:59:42+01', Date.UTC(2022, 4, 13, 9, 59, 42)],
    ['2026-02-30T00:00:00Z', undefined],
    ['2026-01-01T24:00:00Z', undefined],
    ['2026-01-01Z', undefined],
    ['2026-01-01T00:00:00+25:00', undefined],
    ['26-01-01', undefined],
  ])('reads %j as UTC unless it carries an offset, whatever the host time zone', (text, ms) => {
    expect(toEpochMs(text)).toBe(ms);
  });
});

describe('fromText', () => {
  it.each<[FeatureType, string, unknown]>([
    ['int', '42', 42],
    ['int', '-7', -7],
    ['int', '1e3', 1000],
    ['int', 'forty', 'forty'],
    ['float', '12.5', 12.5],
    ['float', '.5', 0.5],
    ['float', 'NaN', 'NaN'],
    ['float', '', ''],
    ['bool', 'TRUE', true],
    ['bool', '0', false],
    ['bool', 'yes', 'yes'],
    ['timestamp', '1764201600000', 1764201600000],
    ['timestamp', '2025-11-27T00:00:00Z', '2025-11-27T00:00:00Z'],
    ['float_vector', '[1,2.5]', [1, 2.5]],
    ['float_vector', '1;2', '1;2'],
    ['string', ' x ', ' x '],
  ])('reads %s text %j as %j', (type, text, value) => {
    expect(fromText(feature(type), text)).toEqual(value);
  });

  it('leaves text that does not fit for encodeValue to reject', () => {
    expect(() => encodeValue(feature('int'), fromText(feature('int'), '4.5'))).toThrow('expected an integer');
    expect(() => encodeValue(feature('float_vector'), fromText(feature('float_vector'), '1;2'))).toThrow('array');
  });
});
