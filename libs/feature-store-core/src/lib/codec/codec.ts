import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import type { FeatureDefinition, FeatureType } from '../registry/registry.types';

/**
 * A feature value as the API returns it: int and float as numbers, bool as true/false, string as
 * is, timestamp as an ISO-8601 string (UTC), float_vector as an array of numbers, null when unset.
 */
export type FeatureValue = number | string | boolean | number[] | null;

/**
 * How each type is stored in a Redis hash field (text, readable with redis-cli):
 *   int, float      shortest decimal that round-trips ("34", "12.5")
 *   bool            "1" or "0" (reads also accept "true"/"false" in any case)
 *   timestamp       epoch milliseconds as an integer ("1764201600000")
 *   float_vector    comma-separated decimals ("0.25,-1,3.5"); the empty vector is ""
 *   string          the string itself
 */
interface TypeCodec {
  /** Returns the stored text, or a reason why the value does not fit the type. */
  encode(value: unknown, feature: FeatureDefinition): string | Rejection;
  /** Returns the typed value, or undefined when the stored text is not a valid value. */
  decode(raw: string): Exclude<FeatureValue, null> | undefined;
  /**
   * The value of the stored text as JSON text, or undefined when it is not a valid value:
   * always `JSON.stringify(decode(raw))`, but for the common numbers without building a value.
   */
  json(raw: string): string | undefined;
}

class Rejection {
  constructor(readonly reason: string) {}
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function decodeNumber(raw: string): number | undefined {
  if (raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Integers of at most 15 digits: always safe, and already the JSON text JSON.stringify writes
 * (negative zero excepted, which JSON.stringify writes "0").
 */
const SAFE_INT_TEXT = /^(?:0|-?[1-9]\d{0,14})$/;
/** Decimals of at most 16 integer digits and no exponent, not a negative zero: always finite, and already JSON. */
const PLAIN_DECIMAL_TEXT = /^(?:0|-?[1-9]\d{0,15})(?:\.\d{1,30})?$|^-0\.\d{0,29}[1-9]\d{0,29}$/;

/** The longest vector a write stores (a declared dimension is at most this long too). */
export const MAX_VECTOR_LENGTH = 4_096;

/**
 * The most bytes a stored value of the feature can take in a read's reply (JSON text, escapes
 * included): what bounds the reply of one read call.
 */
export function maxValueBytes(feature: FeatureDefinition): number {
  switch (feature.type) {
    case 'string':
      // Up to 6 bytes a UTF-16 unit (a control character escaped as \u00XX), and the quotes.
      return (feature.maxLength ?? 0) * 6 + 2;
    case 'float_vector':
      return (feature.dimension ?? MAX_VECTOR_LENGTH) * 26 + 2;
    default:
      return 32;
  }
}

/**
 * Text that JSON.stringify writes as it is, between quotes: no quote, backslash, control character
 * or surrogate (a lone one is escaped; a pair is left to JSON.stringify too).
 */
// eslint-disable-next-line no-control-regex -- the control characters are what the test is for
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** `JSON.stringify(text)`: the same text, at about half its cost (one regular-expression test) when there is nothing to escape. */
export const jsonString = (text: string): string => (PLAIN_STRING.test(text) ? `"${text}"` : JSON.stringify(text));

/** The JSON text of a decoded value; undefined stays undefined (invalid). */
const jsonOf = (value: FeatureValue | undefined): string | undefined => (value === undefined ? undefined : JSON.stringify(value));

/**
 * The latest time accepted, 9999-12-31T23:59:59.999Z: every accepted time has an ISO-8601 form,
 * and a time sent in microseconds or nanoseconds by mistake is refused instead of landing in a
 * far future that would make every later row stale.
 */
export const MAX_EPOCH_MS = 253_402_300_799_999;

/**
 * An ISO-8601 date or date-time: `T` or a space between them, seconds and fractions optional,
 * an offset `Z`, `+hh`, `+hhmm` or `+hh:mm`. Without an offset the time is UTC, never the host's
 * time zone.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/i;

function parseIsoDateTime(text: string): number | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', , sign, offsetHours, offsetMinutes = '0'] = match;
  if (match[4] === undefined && (match[8] !== undefined || sign !== undefined)) return undefined; // an offset needs a time
  const parts = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)] as const;
  const ms = Date.UTC(...parts, Number(fraction.slice(0, 3).padEnd(3, '0')));
  const date = new Date(ms);
  // Date.UTC rolls over (February 30th becomes March 2nd): a date that does not round-trip does not exist.
  if (
    date.getUTCFullYear() !== parts[0] ||
    date.getUTCMonth() !== parts[1] ||
    date.getUTCDate() !== parts[2] ||
    date.getUTCHours() !== parts[3] ||
    date.getUTCMinutes() !== parts[4] ||
    date.getUTCSeconds() !== parts[5]
  ) {
    return undefined;
  }
  if (sign === undefined) return ms;
  const offsetMs = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  return sign === '+' ? ms - offsetMs : ms + offsetMs;
}

/**
 * Accepts epoch milliseconds (an integer from 0 to MAX_EPOCH_MS) or an ISO-8601 date-time string
 * in that range (UTC unless it carries an offset); returns epoch ms.
 */
export function toEpochMs(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = Number.isSafeInteger(value) ? value : undefined;
  else if (typeof value === 'string') ms = parseIsoDateTime(value);
  return ms !== undefined && ms >= 0 && ms <= MAX_EPOCH_MS ? ms : undefined;
}

const CODECS: Record<FeatureType, TypeCodec> = {
  int: {
    encode: (value) =>
      typeof value === 'number' && Number.isSafeInteger(value)
        ? String(value)
        : new Rejection(
            typeof value === 'number' && Number.isInteger(value)
              ? 'an integer outside the safe range (±2^53-1)'
              : 'expected an integer',
          ),
    decode: (raw) => {
      const value = decodeNumber(raw);
      return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
    },
    json: (raw) => (SAFE_INT_TEXT.test(raw) ? raw : jsonOf(CODECS.int.decode(raw))),
  },
  float: {
    encode: (value) => (isFiniteNumber(value) ? String(value) : new Rejection('expected a finite number')),
    decode: decodeNumber,
    json: (raw) => (PLAIN_DECIMAL_TEXT.test(raw) ? raw : jsonOf(decodeNumber(raw))),
  },
  string: {
    encode: (value, feature) => {
      if (typeof value !== 'string') return new Rejection('expected a string');
      const maxLength = feature.maxLength ?? Infinity;
      return value.length > maxLength ? new Rejection(`longer than its max_length of ${maxLength} characters (${value.length})`) : value;
    },
    decode: (raw) => raw,
    json: jsonString,
  },
  bool: {
    encode: (value) => (typeof value === 'boolean' ? (value ? '1' : '0') : new Rejection('expected true or false')),
    decode: (raw) => {
      const text = raw.toLowerCase();
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      return undefined;
    },
    json: (raw) => jsonOf(CODECS.bool.decode(raw)),
  },
  timestamp: {
    encode: (value) => {
      const ms = toEpochMs(value);
      return ms === undefined ? new Rejection('expected epoch milliseconds or an ISO-8601 date-time') : String(ms);
    },
    decode: (raw) => {
      const ms = decodeNumber(raw);
      // Within what a Date holds (±8.64e15 ms), else the stored text is not a valid timestamp.
      return ms !== undefined && Number.isSafeInteger(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined;
    },
    json: (raw) => jsonOf(CODECS.timestamp.decode(raw)),
  },
  float_vector: {
    encode: (value, feature) => {
      if (!Array.isArray(value) || !value.every(isFiniteNumber)) {
        return new Rejection('expected an array of finite numbers');
      }
      if (feature.dimension !== null && value.length !== feature.dimension) {
        return new Rejection(`expected ${feature.dimension} numbers, got ${value.length}`);
      }
      if (value.length > MAX_VECTOR_LENGTH) return new Rejection(`expected at most ${MAX_VECTOR_LENGTH} numbers, got ${value.length}`);
      return value.join(',');
    },
    decode: (raw) => {
      if (raw === '') return [];
      const values = raw.split(',').map(decodeNumber);
      return values.every((value) => value !== undefined) ? (values as number[]) : undefined;
    },
    json: (raw) => jsonOf(CODECS.float_vector.decode(raw)),
  },
};

/**
 * Encodes a value for storage, after checking it against the feature's declared type.
 * @throws FeatureStoreError `INVALID_ROW` naming the field.
 */
export function encodeValue(feature: FeatureDefinition, value: unknown): string {
  const encoded = CODECS[feature.type].encode(value, feature);
  if (encoded instanceof Rejection) {
    throw new FeatureStoreError(
      FeatureStoreErrorCode.InvalidRow,
      `Feature "${feature.name}" (${feature.type}): ${encoded.reason}`,
      { field: feature.name },
    );
  }
  return encoded;
}

/**
 * Decodes stored text into the feature's type: undefined when the text is not a valid value of
 * it (written by another writer: "N/A" for an int, "1e400" for a float); reads serve such a
 * value as invalid.
 */
export function decodeValue(feature: FeatureDefinition, raw: string): Exclude<FeatureValue, null> | undefined {
  return CODECS[feature.type].decode(raw);
}

/** Writes a stored text as the JSON text of its decoded value (`JSON.stringify(decodeValue(...))`), or undefined when invalid. */
export type ValueJson = (raw: string) => string | undefined;

/** The feature's `ValueJson`: resolved once per read plan, not looked up by type for every value. */
export function valueJson(feature: FeatureDefinition): ValueJson {
  return CODECS[feature.type].json;
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a value written as text (a CSV cell, say) into the JSON value `encodeValue` expects:
 * numbers for int, float and epoch-ms timestamps, true/false/1/0 for bool, a JSON array for
 * float_vector. Text that does not look like the type is returned as is, for `encodeValue` to
 * reject with its reason.
 */
export function fromText(feature: FeatureDefinition, text: string): unknown {
  switch (feature.type) {
    case 'int':
    case 'float':
      return NUMBER_TEXT.test(text) ? Number(text) : text;
    case 'bool': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      return text;
    }
    case 'timestamp':
      return /^\d+$/.test(text) ? Number(text) : text;
    case 'float_vector':
      try {
        return JSON.parse(text);
      } catch {
        return text; // not JSON: encodeValue rejects it as "expected an array of finite numbers"
      }
    case 'string':
      return text;
  }
}
