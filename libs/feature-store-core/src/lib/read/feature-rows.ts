import { type FeatureValue, MAX_EPOCH_MS, decodeValue } from '../codec/codec';
import { type RawValues, WRONG_TYPE } from '../backend/backend';
import type { ReadPlan } from './read-plan';

/**
 * What a read found for one feature of one entity row (Feast's statuses; `INVALID` also for a key
 * of another type than a hash):
 *   PRESENT          the value is served
 *   NULL_VALUE       the view's row exists but the feature is unset
 *   NOT_FOUND        the view has no row for the key
 *   OUTSIDE_MAX_AGE  the view's row is older than its max_age: not served
 *   INVALID          the stored value (or key) cannot be read as declared: not served
 */
export const FEATURE_STATUSES = ['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE', 'INVALID'] as const;
export type FeatureStatus = (typeof FEATURE_STATUSES)[number];

const PRESENT = 0;
const NULL_VALUE = 1;
const NOT_FOUND = 2;
const OUTSIDE_MAX_AGE = 3;
const INVALID = 4;

/** One cell that a read could not serve because the stored text does not fit its type. */
export interface InvalidValue {
  readonly row: number;
  readonly column: number;
  /** The Redis key of the hash, and the field. */
  readonly key: string;
  readonly field: string;
}

/**
 * What a read judged of one cached hash for one plan, as long as none of its views has expired:
 * found, event times, and per column the status and JSON text. It depends only on the plan and
 * the values, so it holds for every later read of the same frozen values (see `FeatureRows`).
 */
interface Judgement {
  readonly plan: ReadPlan;
  readonly any: number;
  readonly times: Float64Array;
  readonly statuses: Uint8Array;
  readonly texts: readonly string[];
  /** Columns whose stored value does not fit its type. */
  readonly invalid: readonly number[];
  /** The row as a JSON object (`objectJson`), once a read has written it. */
  objectJson: string | undefined;
}

/** Per frozen reply (a near-cache entry's values, served again and again): the last plan's judgement. */
const judged = new WeakMap<RawValues, Judgement>();

/** Whether the reply is one to judge once for all: frozen (never to change) and holding a hash. */
const lasting = (reply: RawValues) => reply.length > 0 && Object.isFrozen(reply);

/**
 * The result of a read, the one form every reader takes it in: per entity row and requested
 * feature (column), a status, the value (as JSON text, or typed) and the event time of the view's
 * row; per row and key space, whether the key was found, expired views and keys of the wrong type.
 * Everything is judged once, when the result is built, as of the read's clock.
 *
 * Replies that are frozen (the near-cache freezes the values it keeps) are judged once per plan:
 * an entity read of the same values again copies that judgement, and only checks max ages anew.
 */
export class FeatureRows {
  readonly length: number;
  /**
   * Every per-cell, per-key and per-view flag of the read, in one buffer (one allocation per
   * read): per row and column the status code (index in FEATURE_STATUSES), from 0; per row and
   * space, from `wrongTypeAt`, 1 when the key held another type than a hash, and from `anyAt`, 1
   * when any field read was set (for entity reads: the id is known); per view (see `viewAt`),
   * from `expiredAt`, 1 when the row is older than the view's max_age; then, from `existsAt`, per
   * view of the plan, whether the row being judged has it (scratch, while the constructor runs).
   */
  private readonly flags: Uint8Array;
  private readonly wrongTypeAt: number;
  private readonly anyAt: number;
  private readonly expiredAt: number;
  /** Per view (see `viewAt`): the event time of the row, NaN when none. */
  private readonly times: Float64Array;
  /** Per row and column: the value's JSON text ("null" unless PRESENT). */
  private readonly texts: string[];
  /** Per row judged from, or kept as, a frozen reply's judgement: that judgement. */
  private judgements: Judgement[] | undefined;
  /** Cells whose stored value does not fit its type. */
  readonly invalidValues: readonly InvalidValue[];

  /**
   * @param keys per planned space, per row: the hash key read
   * @param replies per planned space, per row: the values of the space's fields
   * @param now epoch ms, for max_age
   */
  constructor(
    readonly plan: ReadPlan,
    readonly keys: readonly (readonly string[])[],
    private readonly replies: readonly (readonly RawValues[])[],
    now: number,
  ) {
    const rows = (this.length = keys[0]?.length ?? 0);
    const { spaces, columns, viewCount } = plan;
    const cells = rows * columns.length;
    this.wrongTypeAt = cells;
    this.anyAt = cells + rows * spaces.length;
    this.expiredAt = this.anyAt + rows * spaces.length;
    const existsAt = this.expiredAt + rows * viewCount;
    const flags = (this.flags = new Uint8Array(existsAt + viewCount));
    const times = (this.times = new Float64Array(rows * viewCount));
    this.texts = new Array<string>(cells);
    const invalid: InvalidValue[] = [];
    const single = spaces.length === 1;

    for (let row = 0; row < rows; row++) {
      const first = replies[0]![row]!;
      const lastingReply = single && lasting(first) ? first : undefined;
      if (lastingReply !== undefined) {
        const judgement = judged.get(lastingReply);
        if (judgement?.plan === plan && this.reuse(row, judgement, now, invalid)) continue;
      }
      const invalidBefore = invalid.length;
      flags.fill(0, existsAt);
      for (let s = 0; s < spaces.length; s++) {
        const planned = spaces[s]!;
        const reply = replies[s]![row]!;
        const spaceViews = planned.views.length;
        const exists = existsAt + planned.firstView;
        const rowViews = this.viewAt(row, s, 0);
        if (reply === WRONG_TYPE) {
          flags[this.wrongTypeAt + row * spaces.length + s] = 1;
          times.fill(NaN, rowViews, rowViews + spaceViews);
          continue;
        }
        let any = 0;
        for (let f = 0; f < planned.featureCount; f++) {
          const raw = reply[f];
          if (raw !== null && raw !== false && raw !== undefined) {
            any = 1;
            flags[exists + planned.fieldViews[f]!] = 1;
          }
        }
        for (let v = 0; v < spaceViews; v++) {
          const raw = reply[planned.featureCount + v];
          const at = rowViews + v;
          if (raw === null || raw === false || raw === undefined) {
            times[at] = NaN;
            continue;
          }
          any = flags[exists + v] = 1;
          // A stored event time that is not a time this store writes (by hand: text, or outside
          // 1970 .. 9999) reads as none: the row exists, its age is unknown (as for rows the
          // original prototype wrote).
          const ms = Number(raw);
          times[at] = raw.trim() !== '' && Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_EPOCH_MS ? ms : NaN;
          const maxAge = planned.views[v]!.maxAgeMs;
          if (maxAge !== null && now - times[at]! > maxAge) flags[this.expiredAt + at] = 1;
        }
        flags[this.anyAt + row * spaces.length + s] = any;
      }
      for (let c = 0; c < columns.length; c++) {
        const s = plan.columnSpace[c]!;
        const v = plan.columnView[c]!;
        const cell = row * columns.length + c;
        let status: number;
        let text = 'null';
        if (flags[this.wrongTypeAt + row * spaces.length + s]) status = INVALID;
        else if (!this.viewFound(row, s, flags[existsAt + spaces[s]!.firstView + v] === 1)) status = NOT_FOUND;
        else if (flags[this.expiredAt + this.viewAt(row, s, v)]) status = OUTSIDE_MAX_AGE;
        else {
          const raw = replies[s]![row]![plan.columnField[c]!];
          if (raw === null || raw === false || raw === undefined) status = NULL_VALUE;
          else {
            const json = plan.columnValueJson[c]!(raw);
            if (json === undefined) {
              status = INVALID;
              invalid.push({ row, column: c, key: keys[s]![row]!, field: columns[c]!.feature.name });
            } else {
              status = PRESENT;
              text = json;
            }
          }
        }
        flags[cell] = status;
        this.texts[cell] = text;
      }
      if (lastingReply !== undefined) this.keep(row, lastingReply, invalid.slice(invalidBefore));
    }
    this.invalidValues = invalid;
  }

  /** Where the flag and time of a view of a planned space are for a row: per space, per row, per view. */
  private viewAt(row: number, space: number, view: number): number {
    const planned = this.plan.spaces[space]!;
    return this.length * planned.firstView + row * planned.views.length + view;
  }

  /** Keeps the judgement of a single-space row for later reads of the same frozen reply, unless a view expired. */
  private keep(row: number, reply: RawValues, invalid: readonly InvalidValue[]): void {
    const views = this.viewAt(row, 0, 0);
    const viewsEnd = views + this.plan.spaces[0]!.views.length;
    if (this.flags.subarray(this.expiredAt + views, this.expiredAt + viewsEnd).includes(1)) return;
    const cells = row * this.plan.columns.length;
    const cellsEnd = cells + this.plan.columns.length;
    const judgement: Judgement = {
      plan: this.plan,
      any: this.flags[this.anyAt + row]!,
      times: this.times.slice(views, viewsEnd),
      statuses: this.flags.slice(cells, cellsEnd),
      texts: this.texts.slice(cells, cellsEnd),
      invalid: invalid.map((cell) => cell.column),
      objectJson: undefined,
    };
    judged.set(reply, judgement);
    (this.judgements ??= [])[row] = judgement;
  }

  /** Fills a single-space row from an earlier judgement of its reply; false (nothing filled) when a view has expired since. */
  private reuse(row: number, judgement: Judgement, now: number, invalid: InvalidValue[]): boolean {
    const { views } = this.plan.spaces[0]!;
    for (let v = 0; v < views.length; v++) {
      const maxAge = views[v]!.maxAgeMs;
      if (maxAge !== null && now - judgement.times[v]! > maxAge) return false;
    }
    const columns = this.plan.columns;
    this.flags[this.anyAt + row] = judgement.any;
    this.times.set(judgement.times, this.viewAt(row, 0, 0));
    this.flags.set(judgement.statuses, row * columns.length);
    for (let c = 0; c < columns.length; c++) this.texts[row * columns.length + c] = judgement.texts[c]!;
    for (const column of judgement.invalid) {
      invalid.push({ row, column, key: this.keys[0]![row]!, field: columns[column]!.feature.name });
    }
    (this.judgements ??= [])[row] = judgement;
    return true;
  }

  /**
   * Whether the row of a view exists. In an entity read, a known id has every view "found" (its
   * unset features are NULL_VALUE, as the original contract serves them); in a feature read, a
   * view's row exists when its event time or any feature read of it is set.
   */
  private viewFound(row: number, space: number, exists: boolean): boolean {
    return this.plan.entity ? this.found(row, space) : exists;
  }

  /** The status of a cell. */
  status(row: number, column: number): FeatureStatus {
    return FEATURE_STATUSES[this.flags[row * this.plan.columns.length + column]!]!;
  }

  /** The value of a cell as JSON text: "null" unless its status is PRESENT. */
  json(row: number, column: number): string {
    return this.texts[row * this.plan.columns.length + column]!;
  }

  /**
   * A row's cells as one JSON object, `{"age":34,"gender":"F"}`: each column's feature name and
   * `json` text, in column order. Written once per judgement of a frozen reply (a near-cached
   * entry) and kept with it for the next reads of the same values and plan.
   */
  objectJson(row: number): string {
    const judgement = this.judgements?.[row];
    if (judgement?.objectJson !== undefined) return judgement.objectJson;
    const prefixes = this.plan.columnJsonPrefixes;
    let json = prefixes.length === 0 ? '{' : '';
    // Two appends per cell: each piece of a template literal would be a string of its own to collect.
    for (let column = 0; column < prefixes.length; column++) {
      json += prefixes[column];
      json += this.json(row, column);
    }
    json += '}';
    if (judgement !== undefined) {
      // Reading a character makes V8 join the appended pieces into one string, in place: each
      // later body copies one piece instead of walking eleven (a batch of 100 cached rows: a body
      // of 20 µs becomes 13 µs in a micro-benchmark).
      void json.charCodeAt(0);
      judgement.objectJson = json;
    }
    return json;
  }

  /** The typed value of a cell: null unless its status is PRESENT. */
  value(row: number, column: number): FeatureValue {
    const cell = row * this.plan.columns.length + column;
    if (this.flags[cell] !== PRESENT) return null;
    const raw = this.replies[this.plan.columnSpace[column]!]![row]![this.plan.columnField[column]!] as string;
    return decodeValue(this.plan.columns[column]!.feature, raw) ?? null;
  }

  /**
   * Whether the key of a row in a planned space is known: any field read of it set, and the key a
   * hash. For an entity read (one space), whether the id is known.
   */
  found(row: number, space = 0): boolean {
    return this.flags[this.anyAt + row * this.plan.spaces.length + space] === 1;
  }

  /** Whether the key of a row in a planned space held another type than a hash. */
  wrongType(row: number, space: number): boolean {
    return this.flags[this.wrongTypeAt + row * this.plan.spaces.length + space] === 1;
  }

  /** The event time (epoch ms) of the row of a planned view, null when unknown. */
  eventTime(row: number, space: number, view: number): number | null {
    const ms = this.times[this.viewAt(row, space, view)]!;
    return Number.isNaN(ms) ? null : ms;
  }

  /** The event time of the view of a column's feature, for its row. */
  columnEventTime(row: number, column: number): number | null {
    return this.eventTime(row, this.plan.columnSpace[column]!, this.plan.columnView[column]!);
  }

  /** Whether the row of a planned view is older than its max_age. */
  expired(row: number, space: number, view: number): boolean {
    return this.flags[this.expiredAt + this.viewAt(row, space, view)] === 1;
  }
}
