import fc from 'fast-check';

/**
 * The requests of the API fuzz suite as plain data (what a fast-check counterexample prints), the
 * constants they share with the app's configuration and registry, and their wire format.
 */

export const WRITER_KEY = 'fuzz-writer-key-0123456789';
export const READER_KEY = 'fuzz-reader-key-0123456789';
export const BATCH_MAX_IDS = 50;
export const PUSH_MAX_ROWS = 50;
/** BODY_LIMIT_BYTES is left at its default. */
export const BODY_LIMIT_BYTES = 1_048_576;
export const API_ENV = {
  API_KEYS: `fuzz:${WRITER_KEY}:read+write,reader:${READER_KEY}:read`,
  BATCH_MAX_IDS: String(BATCH_MAX_IDS),
  PUSH_MAX_ROWS: String(PUSH_MAX_ROWS),
  // The suite checks answers, not latency: with the default 100 ms (500 ms for health), a pause of
  // the test process (GC, a busy 2-core machine) turns into a 503 that is no bug.
  REDIS_COMMAND_TIMEOUT_MS: '5000',
  HEALTH_TIMEOUT_MS: '5000',
};

export const ENTITY = 'user';
export const VIEW = 'user_features';
/** registry/features.yaml */
export const FEATURE_TYPES = {
  age: 'int',
  gender: 'string',
  purchase_count_30d: 'int',
  avg_session_duration_min: 'float',
  preferred_category: 'string',
} as const;
export type FeatureName = keyof typeof FEATURE_TYPES;
export type FeatureType = (typeof FEATURE_TYPES)[FeatureName];
export const FEATURE_NAMES = Object.keys(FEATURE_TYPES) as FeatureName[];
export const isFeatureName = (name: string): name is FeatureName => Object.hasOwn(FEATURE_TYPES, name);

/** README: ids are 1 to 128 printable ASCII characters without spaces. */
export const VALID_ID = /^[\x21-\x7E]{1,128}$/;

/** Written with the store before the run. */
export const SEEDED_ROWS = [
  {
    id: 'user00001',
    eventTime: '2026-01-10T10:00:00Z',
    features: { age: 34, gender: 'F', purchase_count_30d: 12, avg_session_duration_min: 23.5, preferred_category: 'books' },
  },
  { id: 'user00002', eventTime: 1, features: { age: 51, gender: 'M' } },
  { id: 'user00003', eventTime: 1_700_000_000_000, features: { preferred_category: 'home', avg_session_duration_min: 0.1 } },
  { id: 'seed:with*glob{chars}', eventTime: 0, features: { gender: '', age: -7 } },
] as const;

/**
 * Valid ids that pushes write and reads ask for: characters that mean something to Redis key
 * patterns, URLs, query strings or JSON, and ids that look like other things.
 */
export const POOL_IDS: readonly string[] = [
  ...SEEDED_ROWS.map((row) => row.id),
  'user00004',
  ...['pool:1', 'pool*2', 'pool{3}', 'pool%4', 'pool%41', 'pool%2F5', 'pool?6', 'pool#7', 'pool/8', 'pool\\9'],
  ...['"pool10"', "pool'11", 'pool[12]', 'pool&a=b', 'pool;13', 'pool+14'],
  ...['...', '*', ':', '{}', '__proto__', 'constructor', 'toString', 'NaN', '-0', '1e400', 'null', 'batch'],
  'x'.repeat(128),
];

/** The one id written by pushes near the body size limit (a value of about 1 MB): no read asks for it. */
export const NEAR_LIMIT_ID = 'near-limit';

/** A JSON literal written as is (`1e400`, `-0`, `1.0`): what JSON.stringify cannot write. */
export class RawJson {
  constructor(readonly text: string) {}

  [fc.toStringMethod](): string {
    return `raw(${this.text})`;
  }
}

/** JSON text of a value that may hold `RawJson` literals; own `__proto__` keys are written too. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The latest event time the store accepts (README): 9999-12-31T23:59:59.999Z. */
export const MAX_DATE_MS = 253_402_300_799_999;

/** A path parameter: what the server should decode, and how it is written in the URL. */
export interface PathParam {
  readonly value: string;
  readonly segment: string;
}

/** Which `x-api-key` a push sends: the writer's, the reader's, none, or near misses. */
export type KeyChoice = 'writer' | 'reader' | 'none' | 'unknown' | 'last-char' | 'upper-case' | 'longer' | 'empty' | 'both';
export type ReadMethod = 'GET' | 'HEAD';

/** Every case may carry the caller's `x-request-id`. */
interface CaseBase {
  readonly requestId?: string;
}
export interface LegacyGetCase extends CaseBase {
  readonly kind: 'legacy-get';
  readonly method: ReadMethod;
  readonly id: PathParam;
}
export interface LegacyBatchCase extends CaseBase {
  readonly kind: 'legacy-batch';
  readonly body: unknown;
}
export interface V1GetCase extends CaseBase {
  readonly kind: 'v1-get';
  readonly method: ReadMethod;
  readonly entity: PathParam;
  readonly id: PathParam;
  /** Each `features=` occurrence, decoded. */
  readonly features?: readonly string[];
  /** Each `event_times=` occurrence, decoded. */
  readonly eventTimes?: readonly string[];
  readonly junk: readonly string[];
}
export interface V1BatchCase extends CaseBase {
  readonly kind: 'v1-batch';
  readonly entity: PathParam;
  readonly eventTimes?: readonly string[];
  readonly body: unknown;
}
export interface PushCase extends CaseBase {
  readonly kind: 'push';
  readonly view: PathParam;
  readonly key: KeyChoice;
  readonly body: unknown;
}
/** Health checks, metrics and the OpenAPI document. */
export const OPS_PATHS = ['/health', '/health/ready', '/health/live', '/metrics', '/docs', '/docs/openapi.json'] as const;
export type OpsPath = (typeof OPS_PATHS)[number];
export interface OpsCase extends CaseBase {
  readonly kind: 'ops';
  readonly method: ReadMethod;
  readonly path: OpsPath;
  readonly junk: readonly string[];
}
/** A route that does not exist, or a method a route does not have. */
export interface UnknownRouteCase extends CaseBase {
  readonly kind: 'unknown-route';
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}
export type BodyTarget =
  | { readonly route: 'legacy-batch' }
  | { readonly route: 'v1-batch'; readonly entity: PathParam }
  | { readonly route: 'push'; readonly view: PathParam; readonly key: KeyChoice };
/**
 * A POST body sent as raw text with a given content type (null: none): malformed JSON,
 * non-objects, prototype keys, other media types, deep nesting, or a body of `limitDelta` bytes
 * around the size limit.
 */
export interface RawBodyCase extends CaseBase {
  readonly kind: 'raw-body';
  readonly target: BodyTarget;
  readonly contentType: string | null;
  readonly text?: string;
  readonly limitDelta?: number;
}
/** A path whose parameter Fastify's router refuses before any route runs. */
export interface RouterRefusalCase extends CaseBase {
  readonly kind: 'router-refusal';
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

export type FuzzCase =
  | LegacyGetCase
  | LegacyBatchCase
  | V1GetCase
  | V1BatchCase
  | PushCase
  | OpsCase
  | UnknownRouteCase
  | RawBodyCase
  | RouterRefusalCase;

// ---------------------------------------------------------------------------------------------
// Wire format

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[]>;
  readonly payload?: string;
}

function apiKeyHeader(key: KeyChoice): Record<string, string | string[]> {
  const value: Record<KeyChoice, string | string[] | null> = {
    writer: WRITER_KEY,
    reader: READER_KEY,
    none: null,
    unknown: 'not-a-configured-key-at-all',
    'last-char': `${WRITER_KEY.slice(0, -1)}X`,
    'upper-case': WRITER_KEY.toUpperCase(),
    longer: `${WRITER_KEY}0`,
    empty: '',
    both: [READER_KEY, WRITER_KEY],
  };
  const header = value[key];
  return header === null ? {} : { 'x-api-key': header };
}

const query = (parts: readonly string[]) => (parts.length === 0 ? '' : `?${parts.join('&')}`);

const occurrences = (name: string, values: readonly string[] | undefined) =>
  (values ?? []).map((value) => `${name}=${encodeURIComponent(value)}`);

/** The body of a raw-body case, built here: a 1 MB body is never part of a printed counterexample. */
export function rawBodyText(c: RawBodyCase): string {
  if (c.limitDelta === undefined) return c.text ?? '';
  const [head, tail] =
    c.target.route === 'push'
      ? [`{"rows":[{"id":"${NEAR_LIMIT_ID}","event_ts":1000,"features":{"gender":"`, '"}}]}']
      : ['{"user_ids":["', '"]}'];
  return `${head}${'x'.repeat(BODY_LIMIT_BYTES + c.limitDelta - head.length - tail.length)}${tail}`;
}

function bodyTargetPath(target: BodyTarget): string {
  switch (target.route) {
    case 'legacy-batch':
      return '/features/batch';
    case 'v1-batch':
      return `/v1/features/${target.entity.segment}/batch`;
    case 'push':
      return `/v1/push/${target.view.segment}`;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export function toHttpRequest(c: FuzzCase): HttpRequest {
  const request = wireRequest(c);
  if (c.requestId === undefined) return request;
  return { ...request, headers: { ...request.headers, 'x-request-id': c.requestId } };
}

function wireRequest(c: FuzzCase): HttpRequest {
  switch (c.kind) {
    case 'legacy-get':
      return { method: c.method, url: `/features/${c.id.segment}`, headers: {} };
    case 'legacy-batch':
      return { method: 'POST', url: '/features/batch', headers: JSON_HEADERS, payload: jsonText(c.body) };
    case 'v1-get': {
      const params = [...occurrences('features', c.features), ...occurrences('event_times', c.eventTimes), ...c.junk];
      return { method: c.method, url: `/v1/features/${c.entity.segment}/${c.id.segment}${query(params)}`, headers: {} };
    }
    case 'v1-batch':
      return {
        method: 'POST',
        url: `/v1/features/${c.entity.segment}/batch${query(occurrences('event_times', c.eventTimes))}`,
        headers: JSON_HEADERS,
        payload: jsonText(c.body),
      };
    case 'push':
      return {
        method: 'POST',
        url: `/v1/push/${c.view.segment}`,
        headers: { ...JSON_HEADERS, ...apiKeyHeader(c.key) },
        payload: jsonText(c.body),
      };
    case 'ops':
      return { method: c.method, url: `${c.path}${query(c.junk)}`, headers: {} };
    case 'unknown-route':
      return c.body === undefined
        ? { method: c.method, url: c.path, headers: {} }
        : { method: c.method, url: c.path, headers: JSON_HEADERS, payload: c.body };
    case 'raw-body': {
      const key = c.target.route === 'push' ? apiKeyHeader(c.target.key) : {};
      const type: Record<string, string> = c.contentType === null ? {} : { 'content-type': c.contentType };
      return { method: 'POST', url: bodyTargetPath(c.target), headers: { ...type, ...key }, payload: rawBodyText(c) };
    }
    case 'router-refusal':
      return c.body === undefined
        ? { method: c.method, url: c.path, headers: {} }
        : { method: c.method, url: c.path, headers: { ...JSON_HEADERS, 'x-api-key': WRITER_KEY }, payload: c.body };
  }
}
