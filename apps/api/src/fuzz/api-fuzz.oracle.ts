import { DEFAULT_STRING_MAX_LENGTH } from '@feature-store/core';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { isDeepStrictEqual } from 'node:util';
import type { TestApi } from '../testing/test-api';
import {
  BATCH_MAX_IDS,
  BODY_LIMIT_BYTES,
  ENTITY,
  FEATURE_NAMES,
  FEATURE_TYPES,
  type FeatureName,
  type FuzzCase,
  type HttpRequest,
  type KeyChoice,
  MAX_DATE_MS,
  type OpsPath,
  PUSH_MAX_ROWS,
  READER_KEY,
  type RawBodyCase,
  VALID_ID,
  VIEW,
  type V1BatchCase,
  type V1GetCase,
  WRITER_KEY,
  isFeatureName,
  rawBodyText,
  toHttpRequest,
} from './api-fuzz.cases';

/**
 * The oracle of the API fuzz suite: what the README's contract says each generated request must
 * be answered, checked against a model of the rows stored in Redis. `ApiFuzzer.run` sends one
 * case and throws, naming the request, the answer and every problem, when the API strays:
 * a 5xx, a body that is not JSON, an error other than exactly {"detail", "code"}, a status or
 * body the contract does not allow, or a push whose effect on Redis is not the predicted one.
 */

/** The default registry's event-time field of the view (registry/features.yaml). */
const TS_FIELD = '_t';

/** One id's hash as the model holds it: event time and stored text by feature. */
export interface StoredRow {
  readonly ts: number;
  readonly fields: Readonly<Partial<Record<FeatureName, string>>>;
}

/** The answers a request may get: error answers (any of them), and a check of a 200 body when one may succeed. */
interface Expected {
  readonly refusals: readonly Refusal[];
  readonly success?: (body: unknown, response: Answer) => string[];
  readonly push?: PushPrediction;
}

/** An acceptable error answer; no status means any 4xx, no code means any code. */
interface Refusal {
  readonly status?: number;
  readonly code?: string;
}

/** A row pushed without an event time gets the time of receipt: "now". */
type EventTime = number | 'now';

interface PredictedRow {
  readonly ts: EventTime;
  readonly fields: Partial<Record<FeatureName, string>>;
}

interface PushPrediction {
  readonly written: number;
  readonly stale: number;
  /** The rows of the ids written, as they must be stored afterwards. */
  readonly rows: ReadonlyMap<string, PredictedRow>;
}

interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

const refuse = (...refusals: Refusal[]): Expected => ({ refusals });

/** A push without the write scope is refused by its key, before its body is read. */
const pushKeyRefusal = (key: KeyChoice): Expected | undefined => {
  if (key === 'reader') return refuse({ status: 403, code: 'FORBIDDEN' });
  if (key !== 'writer') return refuse({ status: 401, code: 'UNAUTHORIZED' });
  return undefined;
};
const BAD_REQUEST: Refusal = { status: 400, code: 'BAD_REQUEST' };
/** README: v1 batches (and `?features=`) refuse a repeated id or feature; the original batch answers repeats. */
const DUPLICATE_VALUE: Refusal = { status: 400, code: 'DUPLICATE_VALUE' };
const INVALID_BATCH_SIZE: Refusal = { status: 400, code: 'INVALID_BATCH_SIZE' };

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const isValidId = (id: unknown): id is string => typeof id === 'string' && VALID_ID.test(id);
const hasRepeats = (values: readonly unknown[]) => new Set(values).size !== values.length;
const clip = (text: string, length = 400) => (text.length > length ? `${text.slice(0, length)}... (${text.length} chars)` : text);
export const show = (value: unknown) => clip(JSON.stringify(value) ?? String(value));

// ---------------------------------------------------------------------------------------------
// The contract, from the README

/** README: `event_ts` is ISO-8601 or epoch milliseconds, and defaults to the time of receipt. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2}))?$/;

function eventTime(value: unknown): EventTime | 'invalid' {
  if (value === undefined || value === null) return 'now';
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 && value <= MAX_DATE_MS ? value + 0 : 'invalid';
  if (typeof value === 'string' && ISO_8601.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) || ms < 0 || ms > MAX_DATE_MS ? 'invalid' : ms;
  }
  return 'invalid';
}

/** README: int and float are JSON numbers (an int a safe integer), string a string. */
function fits(name: FeatureName, value: unknown): boolean {
  switch (FEATURE_TYPES[name]) {
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string' && value.length <= DEFAULT_STRING_MAX_LENGTH;
  }
}

/** The text Redis holds for a value that fits (strings travel as UTF-8: a lone surrogate becomes U+FFFD). */
const storedText = (value: unknown): string =>
  typeof value === 'string' ? Buffer.from(value, 'utf8').toString('utf8') : String(value);

function decoded(name: FeatureName, raw: string | undefined): number | string | null {
  if (raw === undefined) return null;
  return FEATURE_TYPES[name] === 'string' ? raw : Number(raw);
}

const featuresOf = (row: StoredRow, names: readonly FeatureName[] = FEATURE_NAMES) =>
  Object.fromEntries(names.map((name) => [name, decoded(name, row.fields[name])]));

function sameBody(actual: unknown, expected: unknown): string[] {
  return isDeepStrictEqual(actual, expected) ? [] : [`200 body ${show(actual)}, expected ${show(expected)}`];
}

/** README: `event_times` gives the event time of the row served, ISO-8601. */
function eventTimesProblems(actual: unknown, row: StoredRow): string[] {
  const iso = new Date(row.ts).toISOString();
  const served = isRecord(actual) ? actual[VIEW] : undefined;
  if (served === iso) return [];
  return [`event_times ${show(actual)}, expected {"${VIEW}": ${iso}}`];
}

/** A found entity of a v1 read: `{id, features, expired, event_times?}`. */
function entityProblems(actual: unknown, id: string, row: StoredRow, names: readonly FeatureName[], withTimes: boolean): string[] {
  if (!isRecord(actual)) return [`expected an entity object, got ${show(actual)}`];
  const { event_times: times, ...rest } = actual;
  const problems = sameBody(rest, { id, features: featuresOf(row, names), expired: [] });
  if (withTimes) problems.push(...eventTimesProblems(times, row));
  else if ('event_times' in actual) problems.push('event_times served without being asked for');
  return problems;
}

/** `?features=a,b` as the API reads it: every occurrence split on commas, trimmed, empty names dropped. */
const queryFeatureNames = (occurrences: readonly string[]) =>
  occurrences.flatMap((value) => value.split(',')).map((name) => name.trim()).filter((name) => name.length > 0);

function eventTimesQuery(occurrences: readonly string[] | undefined): boolean | 'invalid' {
  if (occurrences === undefined) return false;
  if (occurrences.length !== 1 || (occurrences[0] !== 'true' && occurrences[0] !== 'false')) return 'invalid';
  return occurrences[0] === 'true';
}

/** The documented 200 bodies of the operational routes. */
function opsSuccess(path: OpsPath): (body: unknown, response: Answer) => string[] {
  const type = (response: Answer) => String(response.headers['content-type'] ?? '');
  switch (path) {
    case '/health':
    case '/health/ready':
      return (body) => sameBody(body, { status: 'healthy' });
    case '/health/live':
      return (body) => sameBody(body, { status: 'alive' });
    case '/metrics':
      return (_, response) => {
        const prometheus = type(response).startsWith('text/plain') && response.body.includes('# HELP');
        return prometheus ? [] : [`not Prometheus text: ${type(response)}`];
      };
    case '/docs':
      return (_, response) => (type(response).startsWith('text/html') ? [] : [`the docs page is ${type(response)}`]);
    case '/docs/openapi.json':
      return (body) =>
        isRecord(body) && typeof body['openapi'] === 'string' && isRecord(body['paths']) ? [] : ['not an OpenAPI document'];
  }
}

/** Routes whose 200 bodies are not JSON. */
const NOT_JSON_PATHS = new Set(['/metrics', '/docs']);

// ---------------------------------------------------------------------------------------------
// The fuzzer

export class ApiFuzzer {
  sent = 0;
  /** Statuses answered, by kind of case. */
  readonly answers = new Map<string, Record<number, number>>();
  /** The rows stored in Redis, by id: the seeded ones, then what pushes wrote. */
  readonly rows = new Map<string, StoredRow>();
  /** Ids of pushes answered 200 with written > 0: the only hashes that may change. */
  readonly allowedIds = new Set<string>();
  /** Ids the model saw written: each must be a member of the index set. */
  readonly writtenIds = new Set<string>();
  private readonly fastify: FastifyInstance;

  constructor(readonly api: TestApi) {
    this.fastify = api.app.getHttpAdapter().getInstance() as FastifyInstance;
  }

  hashKey(id: string): string {
    return this.api.store.keys.entityHash(ENTITY, id);
  }

  /** The entity's index: one set on a single server, buckets on a cluster. */
  get indexKeys(): readonly string[] {
    return this.api.store.keys.entityIndexes(ENTITY);
  }

  /** Loads the model from Redis (after seeding). */
  async loadRows(ids: readonly string[]): Promise<void> {
    for (const [id, { row, problems }] of await this.readRows(ids)) {
      if (problems.length > 0) throw new Error(`seeded row ${id}: ${problems.join('; ')}`);
      if (row) this.rows.set(id, row);
    }
  }

  /** Sends one case and checks the answer (and, for the push route, Redis); throws what is wrong. */
  async run(c: FuzzCase): Promise<void> {
    const request = toHttpRequest(c);
    const expected = this.expect(c, request);
    const startedAt = Date.now();
    const options: InjectOptions = {
      // Methods beyond light-my-request's list (PROPFIND, COPY ...) reach the router as sent.
      method: request.method as InjectOptions['method'],
      url: request.url,
      headers: request.headers,
      ...(request.payload === undefined ? {} : { payload: request.payload }),
    };
    const response: Answer = await this.fastify.inject(options);
    const endedAt = Date.now();
    this.count(c.kind, response.statusCode);
    const problems = universalProblems(request, response);
    const pushed = pushedIds(request);
    if (pushed !== null) problems.push(...(await this.reconcilePush(pushed, expected, response, startedAt, endedAt)));
    problems.push(...outcomeProblems(expected, request, response));
    if (problems.length > 0) {
      throw new Error(
        [
          `${request.method} ${clip(request.url, 300)}`,
          `  headers: ${show(request.headers)}`,
          request.payload === undefined ? '  (no body)' : `  body: ${clip(request.payload, 600)}`,
          `  -> ${response.statusCode} ${clip(response.body, 600)}`,
          ...problems.map((problem) => `  * ${problem}`),
        ].join('\n'),
      );
    }
  }

  private count(kind: string, status: number): void {
    this.sent += 1;
    const answers = this.answers.get(kind) ?? {};
    answers[status] = (answers[status] ?? 0) + 1;
    this.answers.set(kind, answers);
  }

  // What each case must be answered -------------------------------------------------------------

  private expect(c: FuzzCase, request: HttpRequest): Expected {
    // Bodies are judged as the server reads them: one with prototype keys never reaches a route.
    const body = request.payload === undefined ? undefined : parseWireJson(request.payload);
    switch (c.kind) {
      case 'legacy-get':
        return this.expectLegacyGet(c.id.value);
      case 'legacy-batch':
        return body ? this.expectLegacyBatch(body.value) : refuse({ status: 400 });
      case 'v1-get':
        return this.expectV1Get(c);
      case 'v1-batch':
        return body ? this.expectV1Batch(c.entity.value, c.eventTimes, body.value) : refuse({ status: 400 });
      case 'push':
        // The key is checked before the body is read: a refused key never gets its body parsed.
        return pushKeyRefusal(c.key) ?? (body ? this.expectPush(c.view.value, c.key, body.value) : refuse({ status: 400 }));
      case 'ops':
        return { refusals: [], success: opsSuccess(c.path) };
      case 'unknown-route':
        return refuse({ status: 404 });
      case 'raw-body':
        return this.expectRawBody(c);
      case 'router-refusal':
        // A path the router cannot take is a client error like any other: a 4xx, {"detail", "code"}.
        return refuse({});
    }
  }

  private expectLegacyGet(id: string): Expected {
    if (id === '') return refuse({ status: 404 }, { status: 400, code: 'INVALID_ID' });
    if (!VALID_ID.test(id)) return refuse({ status: 400, code: 'INVALID_ID' });
    const row = this.rows.get(id);
    if (!row) return refuse({ status: 404, code: 'ENTITY_NOT_FOUND' });
    return { refusals: [], success: (body) => sameBody(body, { user_id: id, features: featuresOf(row) }) };
  }

  private expectLegacyBatch(body: unknown): Expected {
    if (!isRecord(body)) return refuse(BAD_REQUEST);
    const ids = body['user_ids'];
    if (!Array.isArray(ids)) return refuse(BAD_REQUEST);
    // The size of a batch is checked before anything of its ids.
    if (ids.length < 1 || ids.length > BATCH_MAX_IDS) return refuse(INVALID_BATCH_SIZE);
    if (!ids.every((id) => typeof id === 'string')) return refuse(BAD_REQUEST);
    const faults: Refusal[] = [];
    if (!ids.every(isValidId)) faults.push({ status: 400, code: 'INVALID_ID' });
    if (faults.length > 0) return refuse(...faults);
    const expected = ids.map((id: string) => {
      const row = this.rows.get(id);
      return { user_id: id, features: row ? featuresOf(row) : null };
    });
    return { refusals: [], success: (actual) => sameBody(actual, expected) };
  }

  private expectV1Get(c: V1GetCase): Expected {
    const id = c.id.value;
    if (id === '') return refuse({ status: 404 }, { status: 400, code: 'INVALID_ID' });
    const faults: Refusal[] = [];
    const names = c.features === undefined ? undefined : queryFeatureNames(c.features);
    if (names?.length === 0) faults.push({ status: 400, code: 'INVALID_QUERY' });
    const withTimes = eventTimesQuery(c.eventTimes);
    if (withTimes === 'invalid') faults.push({ status: 400, code: 'INVALID_QUERY' });
    if (names && hasRepeats(names)) faults.push(DUPLICATE_VALUE);
    if (c.entity.value !== ENTITY) faults.push({ status: 404, code: 'UNKNOWN_ENTITY' });
    else if (names && !names.every(isFeatureName)) faults.push({ status: 400, code: 'UNKNOWN_FEATURE' });
    if (!VALID_ID.test(id)) faults.push({ status: 400, code: 'INVALID_ID' });
    if (faults.length > 0) return refuse(...faults);
    const row = this.rows.get(id);
    if (!row) return refuse({ status: 404, code: 'ENTITY_NOT_FOUND' });
    const projection = (names ?? FEATURE_NAMES) as FeatureName[];
    return {
      refusals: [],
      success: (body) => {
        if (!isRecord(body)) return [`expected an object, got ${show(body)}`];
        const { entity, ...rest } = body;
        const problems = entity === ENTITY ? [] : [`entity ${show(entity)}`];
        return [...problems, ...entityProblems(rest, id, row, projection, withTimes === true)];
      },
    };
  }

  private expectV1Batch(entity: string, eventTimes: V1BatchCase['eventTimes'], body: unknown): Expected {
    if (!isRecord(body)) return refuse(BAD_REQUEST);
    const ids = body['ids'];
    if (!Array.isArray(ids)) return refuse(BAD_REQUEST);
    if (ids.length < 1 || ids.length > BATCH_MAX_IDS) return refuse(INVALID_BATCH_SIZE);
    if (!ids.every((id) => typeof id === 'string')) return refuse(BAD_REQUEST);
    const features = body['features'];
    const names = Array.isArray(features) ? (features as unknown[]) : undefined;
    const namesOk = names !== undefined && names.length > 0 && names.every((name) => typeof name === 'string');
    if (features !== undefined && features !== null && !namesOk) return refuse(BAD_REQUEST);
    // `features: null` reads as left out (every feature), or is refused: either is fine.
    const orRefused = features === null ? [BAD_REQUEST] : [];
    const faults: Refusal[] = [];
    const withTimes = eventTimesQuery(eventTimes);
    if (withTimes === 'invalid') faults.push({ status: 400, code: 'INVALID_QUERY' });
    if (hasRepeats(ids) || (names && hasRepeats(names))) faults.push(DUPLICATE_VALUE);
    if (entity !== ENTITY) faults.push({ status: 404, code: 'UNKNOWN_ENTITY' });
    else if (names && !names.every((name) => isFeatureName(name as string))) faults.push({ status: 400, code: 'UNKNOWN_FEATURE' });
    if (!ids.every(isValidId)) faults.push({ status: 400, code: 'INVALID_ID' });
    if (faults.length > 0) return refuse(...faults, ...orRefused);
    const rows = ids.map((id: string) => this.rows.get(id));
    const projection = (names ?? FEATURE_NAMES) as FeatureName[];
    return {
      refusals: orRefused,
      success: (actual) => {
        if (!isRecord(actual) || actual['entity'] !== ENTITY || !Array.isArray(actual['results'])) {
          return [`expected {"entity": "${ENTITY}", "results": [...]}, got ${show(actual)}`];
        }
        const results = actual['results'] as unknown[];
        if (results.length !== ids.length) return [`${results.length} results for ${ids.length} ids`];
        return results.flatMap((result, index) => {
          const row = rows[index];
          if (!row) return result === null ? [] : [`results[${index}]: ${show(result)} for an unknown id`];
          return entityProblems(result, ids[index], row, projection, withTimes === true).map((p) => `results[${index}]: ${p}`);
        });
      },
    };
  }

  private expectPush(view: string, key: KeyChoice, body: unknown): Expected {
    const refusal = pushKeyRefusal(key);
    if (refusal) return refusal;
    if (!isRecord(body) || !Array.isArray(body['rows'])) return refuse(BAD_REQUEST);
    if (body['rows'].length < 1 || body['rows'].length > PUSH_MAX_ROWS) return refuse(INVALID_BATCH_SIZE);
    if (!body['rows'].every(isRecord)) return refuse(BAD_REQUEST);
    const rows = body['rows'] as Record<string, unknown>[];
    const faults: Refusal[] = [];
    if (view !== VIEW) faults.push({ status: 404, code: 'UNKNOWN_VIEW' });
    for (const row of rows) {
      if (!isValidId(row['id'])) faults.push({ status: 400, code: 'INVALID_ID' });
      const ts = eventTime(row['event_ts']);
      if (ts === 'invalid') faults.push({ status: 400, code: 'INVALID_ROW' });
      const features = row['features'];
      const valid = (entry: [string, unknown]) => isFeatureName(entry[0]) && (entry[1] === null || fits(entry[0], entry[1]));
      if (!isRecord(features) || !Object.entries(features).every(valid)) faults.push({ status: 400, code: 'INVALID_ROW' });
    }
    if (faults.length > 0) return refuse(...faults);
    const prediction = this.predictPush(rows);
    return {
      refusals: [],
      success: (actual) => sameBody(actual, { written: prediction.written, stale: prediction.stale }),
      push: prediction,
    };
  }

  /**
   * Last write wins by event time, row by row in request order; an equal time writes. `now` is
   * taken before the request is sent: every time stored by earlier requests is at most `now`,
   * the time of receipt at least `now`, and explicit times are far from both (`timeWindow`).
   */
  private predictPush(rows: readonly Record<string, unknown>[]): PushPrediction {
    const now = Date.now();
    const at = (ts: EventTime) => (ts === 'now' ? now : ts);
    const state = new Map<string, PredictedRow>();
    let written = 0;
    for (const row of rows) {
      const id = row['id'] as string;
      const ts = eventTime(row['event_ts']) as EventTime;
      const current = state.get(id) ?? this.rows.get(id);
      if (current && at(current.ts) > at(ts)) continue;
      const fields: Partial<Record<FeatureName, string>> = { ...current?.fields };
      for (const [name, value] of Object.entries(row['features'] as Record<string, unknown>)) {
        if (value === null) delete fields[name as FeatureName];
        else fields[name as FeatureName] = storedText(value);
      }
      state.set(id, { ts, fields });
      written += 1;
    }
    return { written, stale: rows.length - written, rows: state };
  }

  private expectRawBody(c: RawBodyCase): Expected {
    const refusal = c.target.route === 'push' ? pushKeyRefusal(c.target.key) : undefined;
    if (refusal) return refusal;
    const text = rawBodyText(c);
    if (Buffer.byteLength(text) > BODY_LIMIT_BYTES) return refuse({ status: 413 });
    if (c.contentType === null || !/^application\/json\s*(;.*)?$/i.test(c.contentType.trim())) return refuse({});
    const parsed = parseWireJson(text);
    if (parsed === undefined) return refuse({ status: 400 });
    if (nestingDepth(parsed.value) > MAX_JSON_DEPTH) return refuse({ status: 400, code: 'BODY_TOO_DEEP' });
    switch (c.target.route) {
      case 'legacy-batch':
        return this.expectLegacyBatch(parsed.value);
      case 'v1-batch':
        return this.expectV1Batch(c.target.entity.value, undefined, parsed.value);
      case 'push':
        return this.expectPush(c.target.view.value, c.target.key, parsed.value);
    }
  }

  // Redis ----------------------------------------------------------------------------------------

  /**
   * After any request to the push route: the hashes of the ids in its body are as predicted (an
   * accepted push) or untouched (any other answer). The model then takes what Redis holds.
   */
  private async reconcilePush(
    ids: readonly string[],
    expected: Expected,
    response: Answer,
    startedAt: number,
    endedAt: number,
  ): Promise<string[]> {
    const problems: string[] = [];
    const accepted = response.statusCode === 200;
    const prediction = accepted ? expected.push : undefined;
    for (const [id, { row, problems: rowProblems }] of await this.readRows(ids)) {
      problems.push(...rowProblems.map((problem) => `stored row ${show(id)}: ${problem}`));
      const before = this.rows.get(id);
      const predicted = prediction?.rows.get(id);
      if (predicted) {
        if (!row || !sameRow(row, predicted, startedAt, endedAt)) {
          problems.push(`row ${show(id)} stored as ${show(row)}, expected ${show(predicted)}`);
        }
      } else if (!isDeepStrictEqual(row ?? null, before ?? null)) {
        const by = accepted ? 'that did not write it' : 'that was refused';
        problems.push(`row ${show(id)} changed from ${show(before)} to ${show(row)} by a push ${by}`);
      }
      if (row) this.rows.set(id, row);
      else this.rows.delete(id);
    }
    const answer = accepted ? parseJson(response.body) : undefined;
    if (isRecord(answer) && typeof answer['written'] === 'number' && answer['written'] > 0) {
      for (const id of ids) this.allowedIds.add(id);
    }
    const written = [...(prediction?.rows.keys() ?? [])];
    if (written.length > 0) {
      const known = await this.api.store.known(ENTITY, written);
      written.forEach((id, index) => {
        if (!known[index]) problems.push(`${show(id)} was written but is not in the index`);
        this.writtenIds.add(id);
      });
    }
    return problems;
  }

  /** The rows of `ids` as stored, each with what is wrong with it (fields or values no push may write, a ttl). */
  async readRows(ids: readonly string[]): Promise<Map<string, { row: StoredRow | null; problems: string[] }>> {
    const { redis } = this.api;
    const unique = [...new Set(ids)];
    const result = new Map<string, { row: StoredRow | null; problems: string[] }>();
    await Promise.all(
      unique.map(async (id) => {
        const [fields, ttl] = await Promise.all([redis.hgetall(this.hashKey(id)), redis.pttl(this.hashKey(id))]);
        const parsed = parseStoredRow(fields);
        if (parsed.row && ttl !== -1) parsed.problems.push(`has a ttl (${ttl} ms)`);
        result.set(id, parsed);
      }),
    );
    return result;
  }
}

function sameRow(row: StoredRow, predicted: PredictedRow, startedAt: number, endedAt: number): boolean {
  const tsOk = predicted.ts === 'now' ? row.ts >= startedAt && row.ts <= endedAt : row.ts === predicted.ts;
  return tsOk && isDeepStrictEqual(row.fields, predicted.fields);
}

/** A stored hash as a row: only the view's event time and declared features, each a valid value of its type. */
export function parseStoredRow(fields: Record<string, string>): { row: StoredRow | null; problems: string[] } {
  const entries = Object.entries(fields);
  if (entries.length === 0) return { row: null, problems: [] };
  const problems: string[] = [];
  const ts = fields[TS_FIELD];
  if (ts === undefined || !/^\d+$/.test(ts) || !Number.isSafeInteger(Number(ts))) problems.push(`event time ${show(ts)}`);
  const features: Partial<Record<FeatureName, string>> = {};
  for (const [field, raw] of entries) {
    if (field === TS_FIELD) continue;
    if (!isFeatureName(field)) {
      problems.push(`field ${show(field)}, which no feature declares`);
      continue;
    }
    const type = FEATURE_TYPES[field];
    const value = Number(raw);
    const intOk = /^-?\d+$/.test(raw) && Number.isSafeInteger(value);
    const floatOk = raw.trim() !== '' && Number.isFinite(value);
    if ((type === 'int' && !intOk) || (type === 'float' && !floatOk)) problems.push(`${field} (${type}) holds ${show(raw)}`);
    features[field] = raw;
  }
  return { row: { ts: Number(ts), fields: features }, problems };
}

/** The ids in a request to the push route (whatever it is answered), or null for other routes. */
function pushedIds(request: HttpRequest): string[] | null {
  if (request.method !== 'POST' || !request.url.startsWith('/v1/push/') || request.payload === undefined) return null;
  const parsed = parseWireJson(request.payload);
  const rows = parsed && isRecord(parsed.value) ? parsed.value['rows'] : undefined;
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((row) => (isRecord(row) && typeof row['id'] === 'string' && row['id'].length <= 2_000 ? [row['id']] : []));
}

/**
 * JSON as the server reads a body: a leading byte-order mark ignored; undefined when malformed
 * or carrying `__proto__` / `constructor.prototype` keys (refused before any route).
 */
function parseWireJson(text: string): { value: unknown } | undefined {
  const value = parseJson(text.startsWith('\ufeff') ? text.slice(1) : text);
  return value === undefined || poisoned(value) ? undefined : { value };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** README: bodies nesting deeper than this are refused. */
const MAX_JSON_DEPTH = 32;

/** How many arrays and objects nest at the deepest point (iterative: bodies nest thousands of levels). */
function nestingDepth(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Iterative: bodies nest thousands of levels deep. */
function poisoned(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (!Array.isArray(value)) {
      if (Object.hasOwn(value, '__proto__')) return true;
      const ctor = (value as Record<string, unknown>)['constructor'];
      if (Object.hasOwn(value, 'constructor') && isRecord(ctor) && Object.hasOwn(ctor, 'prototype')) return true;
    }
    stack.push(...Object.values(value));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Checks of every answer

const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const STACK_TRACE = /\n\s+at |\bat .+\.(js|ts):\d+|node:internal/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Never a 5xx; JSON; errors exactly {"detail", "code"}; no API key shown; x-request-id echoed or new. */
function universalProblems(request: HttpRequest, response: Answer): string[] {
  const problems: string[] = [];
  const status = response.statusCode;
  if (status >= 500) problems.push(`a ${status}`);
  const header = request.headers['x-api-key'];
  const sentKeys = (Array.isArray(header) ? header : header === undefined ? [] : [header]).filter((key) => key.length >= 16);
  if ([WRITER_KEY, READER_KEY, ...sentKeys].some((key) => response.body.includes(key))) problems.push('the body shows an API key');
  problems.push(...requestIdProblems(request, response));
  if (request.method === 'HEAD' || (status < 400 && NOT_JSON_PATHS.has(request.url.split('?')[0]))) return problems;
  const type = String(response.headers['content-type'] ?? '');
  if (!/^application\/json\b/.test(type)) problems.push(`content-type ${show(type)}`);
  const body = parseJson(response.body);
  if (body === undefined) return [...problems, 'the body is not JSON'];
  if (status < 400) return problems;
  if (!isRecord(body) || !isDeepStrictEqual(Object.keys(body).sort(), ['code', 'detail'])) {
    return [...problems, 'an error body other than exactly {"detail", "code"}'];
  }
  const { detail, code } = body;
  if (typeof detail !== 'string' || detail.trim() === '') problems.push('detail is not a non-empty string');
  else if (STACK_TRACE.test(detail)) problems.push('detail holds a stack trace');
  if (typeof code !== 'string' || !UPPER_SNAKE.test(code)) problems.push(`code ${show(code)} is not UPPER_SNAKE_CASE`);
  return problems;
}

/** README: every response carries x-request-id, the caller's or a new UUID. */
function requestIdProblems(request: HttpRequest, response: Answer): string[] {
  const sent = request.headers['x-request-id'];
  const answered = response.headers['x-request-id'];
  if (typeof sent === 'string' && sent !== '') {
    return answered === sent ? [] : [`x-request-id ${show(answered)} for the caller's ${show(clip(sent, 60))}`];
  }
  return typeof answered === 'string' && UUID.test(answered) ? [] : [`x-request-id ${show(answered)}, expected a new UUID`];
}

function outcomeProblems(expected: Expected, request: HttpRequest, response: Answer): string[] {
  const status = response.statusCode;
  const describe = (refusal: Refusal) => `${refusal.status ?? '4xx'}${refusal.code ? ` ${refusal.code}` : ''}`;
  const allowed = [...expected.refusals.map(describe), ...(expected.success ? ['200'] : [])].join(' or ');
  if (status === 200) {
    if (!expected.success) return [`accepted; expected ${allowed}`];
    return request.method === 'HEAD' ? [] : expected.success(parseJson(response.body), response);
  }
  if (status < 400 || status >= 500) return [`status ${status}; expected ${allowed}`];
  const body = parseJson(response.body);
  const code = isRecord(body) ? body['code'] : undefined;
  const matches = (refusal: Refusal) =>
    (refusal.status === undefined || refusal.status === status) &&
    (refusal.code === undefined || request.method === 'HEAD' || refusal.code === code);
  return expected.refusals.some(matches) ? [] : [`answered ${status} ${show(code)}; expected ${allowed}`];
}
