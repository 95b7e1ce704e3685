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
 * The latest time accepted, 9999-12-31T23:59:59.999Z: every accepted time has an ISO-8601 form,
 * and a time sent in microseconds or nanoseconds by mistake is refused instead of landing in a
 * far future that would make every later row stale.
 */
export const MAX_EPOCH_MS = 253_402_300_799_999;

/**
 * Accepts epoch milliseconds (an integer from 0 to MAX_EPOCH_MS) or an ISO-8601 date-time string
 * in that range; returns epoch ms.
 */
export function toEpochMs(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = Number.isSafeInteger(value) ? value : undefined;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    ms = Date.parse(value);
  }
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
  },
  float: {
    encode: (value) => (isFiniteNumber(value) ? String(value) : new Rejection('expected a finite number')),
    decode: decodeNumber,
  },
  string: {
    encode: (value) => (typeof value === 'string' ? value : new Rejection('expected a string')),
    decode: (raw) => raw,
  },
  bool: {
    encode: (value) => (typeof value === 'boolean' ? (value ? '1' : '0') : new Rejection('expected true or false')),
    decode: (raw) => {
      const text = raw.toLowerCase();
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      return undefined;
    },
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
  },
  float_vector: {
    encode: (value, feature) => {
      if (!Array.isArray(value) || !value.every(isFiniteNumber)) {
        return new Rejection('expected an array of finite numbers');
      }
      if (feature.dimension !== null && value.length !== feature.dimension) {
        return new Rejection(`expected ${feature.dimension} numbers, got ${value.length}`);
      }
      return value.join(',');
    },
    decode: (raw) => {
      if (raw === '') return [];
      const values = raw.split(',').map(decodeNumber);
      return values.every((value) => value !== undefined) ? (values as number[]) : undefined;
    },
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
 * Decodes stored text into the feature's type; a missing field (null) decodes to null.
 * @throws FeatureStoreError `CORRUPT_VALUE` when the stored text is not a valid value of the type.
 */
export function decodeValue(feature: FeatureDefinition, raw: string | null): FeatureValue {
  if (raw === null) return null;
  const value = CODECS[feature.type].decode(raw);
  if (value === undefined) {
    throw new FeatureStoreError(
      FeatureStoreErrorCode.CorruptValue,
      `Stored value ${JSON.stringify(raw)} of feature "${feature.name}" is not a valid ${feature.type}`,
      { field: feature.name },
    );
  }
  return value;
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
