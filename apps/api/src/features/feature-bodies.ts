import { FEATURE_STATUSES, type FeatureRows, type FeatureStatus, type JoinKeyValue, jsonString } from '@feature-store/core';
import { type JsonSchema, writtenBody } from '../http/route';
import { isoTime } from './iso-time';

/**
 * The bodies of every read route, written as JSON text straight from a read's `FeatureRows`: a
 * stored number already is JSON text, so the common case builds no value. Each writer has the
 * JSON Schema of its body (OpenAPI shows it); a spec checks, over generated reads, that every body
 * parses to what the schema describes and to the typed values the store reads.
 */

/** A join key value as JSON (ids are written once per row: JSON.stringify only where a string needs escapes). */
const keyJson = (value: JoinKeyValue): string => (typeof value === 'string' ? jsonString(value) : JSON.stringify(value));

const FEATURE_VALUES: JsonSchema = {
  type: 'object',
  additionalProperties: { type: ['number', 'string', 'boolean', 'array', 'null'], items: { type: 'number' } },
  description: 'typed by the registry (int and float: numbers, bool, string, timestamp: ISO-8601, float_vector: numbers); null when unset, expired or invalid',
};

/** A read of one entity's ids, as the original and v1 routes answer it. */
export interface EntityReadBody {
  readonly entity: string;
  readonly ids: readonly JoinKeyValue[];
  readonly rows: FeatureRows;
  /** v1: add each view's event time. */
  readonly eventTimes?: boolean;
}

const LEGACY_ENTRY: JsonSchema = {
  type: 'object',
  properties: { user_id: { type: 'string' }, features: { ...FEATURE_VALUES, type: ['object', 'null'] } },
  required: ['user_id', 'features'],
};

/** GET /features/{user_id}: `{"user_id", "features"}` of the (found) first row. */
export const LEGACY_ENTITY_BODY = writtenBody<EntityReadBody>(LEGACY_ENTRY, ({ ids, rows }) =>
  `{"user_id":${keyJson(ids[0]!)},"features":${rows.objectJson(0)}}`,
);

/** POST /features/batch: one entry per id, in order; `"features": null` for an unknown id. */
export const LEGACY_BATCH_BODY = writtenBody<EntityReadBody>({ type: 'array', items: LEGACY_ENTRY }, ({ ids, rows }) => {
  let json = '[';
  for (let row = 0; row < ids.length; row++) {
    json += row === 0 ? '{"user_id":' : ',{"user_id":';
    json += keyJson(ids[row]!);
    json += rows.found(row) ? `,"features":${rows.objectJson(row)}}` : ',"features":null}';
  }
  return `${json}]`;
});

const V1_RESULT: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    features: FEATURE_VALUES,
    expired: { type: 'array', items: { type: 'string' }, description: 'views whose row is older than their max_age: their features are null' },
    event_times: {
      type: 'object',
      additionalProperties: { type: ['string', 'null'], format: 'date-time' },
      description: 'per view, the event time of the row served (with event_times=true)',
    },
  },
  required: ['id', 'features', 'expired'],
};

/** A found row as the v1 routes give it: `"id":...,"features":{...},"expired":[...]` (no braces). */
function v1Fields(body: EntityReadBody, row: number): string {
  const { rows } = body;
  const views = rows.plan.spaces[0]!.views;
  let expired = '';
  let times = '';
  for (let view = 0; view < views.length; view++) {
    // A view's name is written only where needed: a row seldom has an expired view.
    if (rows.expired(row, 0, view)) expired += `${expired === '' ? '' : ','}${JSON.stringify(views[view]!.name)}`;
    if (body.eventTimes) times += `${times === '' ? '' : ','}${JSON.stringify(views[view]!.name)}:${JSON.stringify(isoTime(rows.eventTime(row, 0, view)))}`;
  }
  const fields = `"id":${keyJson(body.ids[row]!)},"features":${rows.objectJson(row)},"expired":[${expired}]`;
  return body.eventTimes ? `${fields},"event_times":{${times}}` : fields;
}

/** GET /v1/features/{entity}/{id}: `{"entity", "id", "features", "expired", "event_times"?}`. */
export const V1_ENTITY_BODY = writtenBody<EntityReadBody>(
  { ...V1_RESULT, properties: { entity: { type: 'string' }, ...(V1_RESULT['properties'] as object) }, required: ['entity', 'id', 'features', 'expired'] },
  (body) => `{"entity":${JSON.stringify(body.entity)},${v1Fields(body, 0)}}`,
);

/** POST /v1/features/{entity}/batch: `{"entity", "results": [result or null, ...]}` in request order. */
export const V1_BATCH_BODY = writtenBody<EntityReadBody>(
  {
    type: 'object',
    properties: { entity: { type: 'string' }, results: { type: 'array', items: { anyOf: [V1_RESULT, { type: 'null' }] } } },
    required: ['entity', 'results'],
  },
  (body) => {
    let json = `{"entity":${JSON.stringify(body.entity)},"results":[`;
    for (let row = 0; row < body.ids.length; row++) {
      if (row > 0) json += ',';
      json += body.rows.found(row) ? `{${v1Fields(body, row)}}` : 'null';
    }
    return `${json}]}`;
  },
);

/** A feature read (features of any views, or a feature service) for entity rows. */
export interface FeatureReadBody {
  readonly rows: FeatureRows;
  /** The entity rows as requested. */
  readonly keys: readonly Readonly<Record<string, JoinKeyValue>>[];
}

/** The join keys a read's key spaces need, in plan order. */
function joinKeysOf(rows: FeatureRows): string[] {
  return [...new Set(rows.plan.spaces.flatMap((planned) => planned.space.entities.map((entity) => entity.joinKey)))];
}

const STATUS: JsonSchema = { type: 'string', enum: [...FEATURE_STATUSES] };

/** Each status as a JSON string, alone and after a comma (no text made per cell). */
const STATUS_JSON = Object.fromEntries(FEATURE_STATUSES.map((status) => [status, `"${status}"`])) as Record<FeatureStatus, string>;
const COMMA_STATUS_JSON = Object.fromEntries(FEATURE_STATUSES.map((status) => [status, `,"${status}"`])) as Record<FeatureStatus, string>;

/**
 * POST /v1/features: per row, its key and, aligned with `features`, the values, statuses and
 * event times of the views' rows.
 */
export const FEATURE_READ_BODY = writtenBody<FeatureReadBody>(
  {
    type: 'object',
    properties: {
      features: { type: 'array', items: { type: 'string' }, description: '"view:feature" of each column' },
      feature_service: {
        type: 'object',
        properties: { name: { type: 'string' }, version: { type: 'integer' } },
        required: ['name', 'version'],
        description: 'the feature service read, when one was named',
      },
      results: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            key: { type: 'object', additionalProperties: { type: ['string', 'integer'] }, description: 'the join keys of the row' },
            values: { type: 'array', items: { type: ['number', 'string', 'boolean', 'array', 'null'] } },
            statuses: { type: 'array', items: STATUS },
            event_times: { type: 'array', items: { type: ['string', 'null'], format: 'date-time' } },
          },
          required: ['key', 'values', 'statuses', 'event_times'],
        },
      },
    },
    required: ['features', 'results'],
  },
  ({ rows, keys }) => {
    const { columns, service, spaces, columnSpace, columnView, viewCount } = rows.plan;
    const joinKeys = joinKeysOf(rows);
    // Each row's key written from its join keys (all present: the store refuses a row without one).
    const keyPrefixes = joinKeys.map((name, index) => `${index === 0 ? '{' : ','}${JSON.stringify(name)}:`);
    /** Per view of the plan, its event time as JSON for the row being written: made once for all its columns. */
    const viewTimes = new Array<string | undefined>(viewCount);
    let json = `{"features":${JSON.stringify(columns.map((column) => `${column.view.name}:${column.feature.name}`))}`;
    if (service) json += `,"feature_service":${JSON.stringify({ name: service.name, version: service.version })}`;
    json += ',"results":[';
    for (let row = 0; row < rows.length; row++) {
      let key = joinKeys.length === 0 ? '{' : '';
      for (let index = 0; index < joinKeys.length; index++) {
        key += keyPrefixes[index];
        key += keyJson(keys[row]![joinKeys[index]!]!);
      }
      let values = '';
      let statuses = '';
      let times = '';
      viewTimes.fill(undefined);
      for (let column = 0; column < columns.length; column++) {
        const status = rows.status(row, column);
        if (column > 0) {
          values += ',';
          times += ',';
        }
        values += rows.json(row, column);
        statuses += column === 0 ? STATUS_JSON[status] : COMMA_STATUS_JSON[status];
        if (status === 'NOT_FOUND') times += 'null';
        else {
          const view = spaces[columnSpace[column]!]!.firstView + columnView[column]!;
          times += viewTimes[view] ??= JSON.stringify(isoTime(rows.columnEventTime(row, column)));
        }
      }
      json += `${row === 0 ? '' : ','}{"key":${key}},"values":[${values}],"statuses":[${statuses}],"event_times":[${times}]}`;
    }
    return `${json}]}`;
  },
);

/** A read answered in Feast's wire format. */
export interface FeastReadBody {
  readonly rows: FeatureRows;
  /** The request's entity columns, in request order. */
  readonly entities: readonly (readonly [name: string, values: readonly JoinKeyValue[]])[];
  /** The name of each feature column: `feature`, or `view__feature` with full_feature_names. */
  readonly names: readonly string[];
}

/** Feast's zero timestamp, for values without a row. */
const ZERO_TIME = '"1970-01-01T00:00:00Z"';

/** RFC 3339 with Z, fractional seconds only when not zero (as Feast writes them). */
function feastTime(ms: number | null): string {
  const iso = isoTime(ms);
  return iso === null ? ZERO_TIME : `"${iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso}"`;
}

/**
 * POST /get-online-features: column-oriented, as Feast's feature server answers. `results[i]` is
 * `metadata.feature_names[i]`; `values[j]` is entity row j; the join keys come first; timestamp
 * features are epoch seconds, as Feast serves them.
 */
export const FEAST_READ_BODY = writtenBody<FeastReadBody>(
  {
    type: 'object',
    properties: {
      metadata: { type: 'object', properties: { feature_names: { type: 'array', items: { type: 'string' } } }, required: ['feature_names'] },
      results: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            values: { type: 'array', items: { type: ['number', 'string', 'boolean', 'array', 'null'] } },
            statuses: { type: 'array', items: STATUS },
            event_timestamps: { type: 'array', items: { type: 'string', format: 'date-time' } },
          },
          required: ['values', 'statuses', 'event_timestamps'],
        },
      },
    },
    required: ['metadata', 'results'],
  },
  ({ rows, entities, names }) => {
    const count = rows.length;
    const columns: string[] = entities.map(([, values]) => {
      const times = new Array<string>(count).fill(ZERO_TIME).join(',');
      const statuses = new Array<string>(count).fill('"PRESENT"').join(',');
      return `{"values":${JSON.stringify(values)},"statuses":[${statuses}],"event_timestamps":[${times}]}`;
    });
    // A column's event times are its view's (none where its row is not found): made once per view.
    const timesOfView = new Map<string, string>();
    for (let column = 0; column < names.length; column++) {
      // Feast's UNIX_TIMESTAMP values are epoch seconds; this store's timestamps are ISO-8601 text.
      const epochSeconds = rows.plan.columns[column]!.feature.type === 'timestamp';
      let values = '';
      let statuses = '';
      for (let row = 0; row < count; row++) {
        const status = rows.status(row, column);
        const json = rows.json(row, column);
        if (row > 0) values += ',';
        values += epochSeconds && status === 'PRESENT' ? String(Math.floor(Date.parse(JSON.parse(json) as string) / 1_000)) : json;
        statuses += row === 0 ? STATUS_JSON[status] : COMMA_STATUS_JSON[status];
      }
      const view = `${rows.plan.columnSpace[column]}:${rows.plan.columnView[column]}`;
      let times = timesOfView.get(view);
      if (times === undefined) {
        times = '';
        for (let row = 0; row < count; row++) times += (row === 0 ? '' : ',') + feastTime(rows.columnEventTime(row, column));
        timesOfView.set(view, times);
      }
      columns.push(`{"values":[${values}],"statuses":[${statuses}],"event_timestamps":[${times}]}`);
    }
    const featureNames = JSON.stringify([...entities.map(([name]) => name), ...names]);
    return `{"metadata":{"feature_names":${featureNames}},"results":[${columns.join(',')}]}`;
  },
);
