import type { FeatureDefinition } from '@feature-store/core';
import {
  type ColumnData,
  type Compressors,
  type FileMetaData,
  type ParquetParsers,
  type SchemaTree,
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
} from 'hyparquet';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { LoadFileError, type SourceRecord } from './source-record';
import { type ColumnRole, KeyBuilder, type ViewTarget, columnRoles } from './view-columns';

/** Event times between `from` and `to` (epoch ms, both included), as a load's bounds select them. */
export interface EventWindow {
  readonly from: number;
  readonly to: number;
}

/** hyparquet reads SNAPPY itself; GZIP and BROTLI come from Node's zlib. ZSTD and LZ4 are refused. */
const COMPRESSORS: Compressors = {
  GZIP: (input) => gunzipSync(input),
  BROTLI: (input) => brotliDecompressSync(input),
};
const CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI']);

/** Floor division, so that a time before 1970 stays before it (and is refused as such). */
const floorDiv = (value: bigint, by: bigint) => {
  const quotient = value / by;
  return Number(quotient * by > value ? quotient - 1n : quotient);
};

/**
 * Every timestamp (any unit; INT96; DATE as its midnight) read as epoch milliseconds. A timestamp
 * is an instant whether it is adjusted to UTC or not (a writer's time zone only labels it); one
 * "not adjusted" holds a wall-clock time, read as UTC like any time without an offset.
 */
const PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis) => Number(millis),
  timestampFromMicroseconds: (micros) => floorDiv(micros, 1_000n),
  timestampFromNanoseconds: (nanos) => floorDiv(nanos, 1_000_000n),
  dateFromDays: (days) => days * 86_400_000,
};

/** What a Parquet column holds, as far as the registry's types go. */
type ValueKind = 'int' | 'float32' | 'float' | 'decimal' | 'bool' | 'string' | 'time' | 'float-list' | 'float32-list' | 'other';

/** The Parquet kinds each role of a column takes. */
function kindsFor(role: ColumnRole, target: ViewTarget): readonly ValueKind[] {
  switch (role.kind) {
    case 'key': {
      const entity = target.space.entities.find((candidate) => candidate.joinKey === role.joinKey)!;
      return entity.joinKeyType === 'int' ? ['int'] : ['string'];
    }
    case 'id':
      return target.space.entities[0]!.joinKeyType === 'int' ? ['int'] : ['string'];
    case 'event-time':
      return ['time', 'string'];
    case 'feature':
      return FEATURE_KINDS[role.feature.type];
    case 'ignored':
      return [];
  }
}

const FEATURE_KINDS: Record<FeatureDefinition['type'], readonly ValueKind[]> = {
  int: ['int'],
  float: ['float', 'float32', 'int', 'decimal'],
  bool: ['bool'],
  string: ['string'],
  timestamp: ['time', 'string'],
  float_vector: ['float-list', 'float32-list'],
};

const KIND_NAMES: Record<ValueKind, string> = {
  int: 'INT32 or INT64',
  float32: 'FLOAT',
  float: 'DOUBLE',
  decimal: 'DECIMAL',
  bool: 'BOOLEAN',
  string: 'a string (BYTE_ARRAY)',
  time: 'a TIMESTAMP (any unit), INT96 or DATE',
  'float-list': 'a LIST of DOUBLE',
  'float32-list': 'a LIST of FLOAT',
  other: '',
};

function kindOf(column: SchemaTree): ValueKind {
  const { element } = column;
  if (column.children.length > 0) {
    // A LIST: group (LIST) > repeated group > one element; or the legacy group > repeated element.
    const repeated = column.children.length === 1 ? column.children[0]! : undefined;
    const leaf = repeated && repeated.children.length === 1 ? repeated.children[0]! : repeated;
    const isList = element.converted_type === 'LIST' || element.logical_type?.type === 'LIST';
    if (!isList || repeated?.element.repetition_type !== 'REPEATED' || !leaf || leaf.children.length > 0) return 'other';
    return leaf.element.type === 'DOUBLE' ? 'float-list' : leaf.element.type === 'FLOAT' ? 'float32-list' : 'other';
  }
  if (element.repetition_type === 'REPEATED') {
    return element.type === 'DOUBLE' ? 'float-list' : element.type === 'FLOAT' ? 'float32-list' : 'other';
  }
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  if (element.type === 'INT96' || logical === 'TIMESTAMP' || logical === 'DATE') return 'time';
  if (converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS' || converted === 'DATE') return 'time';
  if (logical === 'DECIMAL' || converted === 'DECIMAL') return 'decimal';
  switch (element.type) {
    case 'INT32':
    case 'INT64':
      return (logical === undefined || logical === 'INTEGER') && (converted === undefined || /^U?INT_/.test(converted)) ? 'int' : 'other';
    case 'FLOAT':
      return 'float32';
    case 'DOUBLE':
      return 'float';
    case 'BOOLEAN':
      return 'bool';
    case 'BYTE_ARRAY':
      return converted === undefined || converted === 'UTF8' || converted === 'ENUM' ? 'string' : 'other';
    default:
      return 'other';
  }
}

/** The column's Parquet type as a person reads it: INT64, INT64 (TIMESTAMP), LIST<FLOAT>. */
function describe(column: SchemaTree): string {
  const { element } = column;
  if (column.children.length > 0) {
    const inner = column.children.map(describe).join(', ');
    return element.converted_type === 'LIST' || element.logical_type?.type === 'LIST' ? `LIST<${inner}>` : `group<${inner}>`;
  }
  const annotation = element.logical_type?.type ?? element.converted_type;
  return `${element.repetition_type === 'REPEATED' ? 'repeated ' : ''}${element.type}${annotation ? ` (${annotation})` : ''}`;
}

/**
 * The shortest decimal that reads back as the same 32-bit float: 0.1 from a FLOAT column, not
 * 0.10000000149011612, the float32 nearest to 0.1 written out as a double.
 */
export function float32Number(value: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

type Convert = (value: unknown) => unknown;

const CONVERTERS: Partial<Record<ValueKind, Convert>> = {
  // An INT64 arrives as a bigint: beyond ±2^53 the number is no longer exact and the core refuses it.
  int: (value) => (typeof value === 'bigint' ? Number(value) : value),
  float32: (value) => float32Number(value as number),
  'float32-list': (value) => (value as (number | null)[]).map((item) => (item === null ? item : float32Number(item))),
};

interface ReadColumn {
  readonly name: string;
  readonly role: Exclude<ColumnRole, { kind: 'ignored' }>;
  readonly convert: Convert | undefined;
}

/** A Parquet file ready to read: its schema checked against the view. */
export interface ParquetSource {
  /** Columns of the file that the view has no use for (not read). */
  readonly ignoredColumns: readonly string[];
  /**
   * Streams the rows, one row group at a time. With a `window`, a row group whose event-time
   * statistics lie wholly outside it is not read: it is reported as skipped rows.
   */
  records(receivedAt: number, window: EventWindow | null): AsyncGenerator<SourceRecord | { readonly line: number; readonly skipped: number }>;
}

/**
 * Opens a Parquet file, reading only its footer, and checks its columns against the view: the
 * join keys (or `id`), the event-time column (optional), features; other columns are ignored.
 * Types map to the registry's: int from INT32/INT64, float from FLOAT/DOUBLE (and integers,
 * DECIMAL), bool from BOOLEAN, string from strings, timestamp from TIMESTAMP/INT96/DATE (or
 * ISO-8601 strings), float_vector from a LIST of FLOAT/DOUBLE. A null is written as null (the
 * feature is deleted, as a JSON null in a push); a null event time is the time of receipt.
 * @throws LoadFileError for a file that is not Parquet, a column of the wrong type (naming it),
 *   a missing join key column, or a compression codec that cannot be read
 */
export async function openParquet(path: string, target: ViewTarget): Promise<ParquetSource> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(await asyncBufferFromFile(path), { parsers: PARSERS });
  } catch (error) {
    throw new LoadFileError(`${path}: not a readable Parquet file (${(error as Error).message})`);
  }
  const top = parquetSchema(metadata).children;
  const roles = columnRoles(
    top.map((column) => column.element.name),
    target,
    path,
    'ignore',
  );
  const columns: ReadColumn[] = [];
  const ignoredColumns: string[] = [];
  top.forEach((column, index) => {
    const role = roles[index]!;
    const name = column.element.name;
    if (role.kind === 'ignored') {
      ignoredColumns.push(name);
      return;
    }
    const kind = kindOf(column);
    const accepted = kindsFor(role, target);
    if (!accepted.includes(kind)) {
      const wanted = accepted.map((candidate) => KIND_NAMES[candidate]).join(', ');
      throw new LoadFileError(`${path}: column "${name}" is ${describe(column)}; ${roleName(role)} takes ${wanted}`);
    }
    columns.push({ name, role, convert: CONVERTERS[kind] });
  });
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const codec = chunk.meta_data?.codec;
      const name = chunk.meta_data?.path_in_schema[0];
      if (codec && !CODECS.has(codec) && columns.some((column) => column.name === name)) {
        throw new LoadFileError(`${path}: column "${name}" is compressed with ${codec}; readable: ${[...CODECS].join(', ')}`);
      }
    }
  }
  return { ignoredColumns, records: (receivedAt, window) => parquetRecords(path, metadata, columns, receivedAt, window) };
}

function roleName(role: Exclude<ColumnRole, { kind: 'ignored' }>): string {
  switch (role.kind) {
    case 'key':
      return `the join key ${role.joinKey}`;
    case 'id':
      return 'the id';
    case 'event-time':
      return 'the event time';
    case 'feature':
      return `feature "${role.feature.name}" (${role.feature.type})`;
  }
}

async function* parquetRecords(
  path: string,
  metadata: FileMetaData,
  columns: readonly ReadColumn[],
  receivedAt: number,
  window: EventWindow | null,
): AsyncGenerator<SourceRecord | { readonly line: number; readonly skipped: number }> {
  const file = await asyncBufferFromFile(path);
  const eventTime = columns.find((column) => column.role.kind === 'event-time')?.name;
  const key = new KeyBuilder();
  let start = 0;
  for (const [group, rowGroup] of metadata.row_groups.entries()) {
    const rows = Number(rowGroup.num_rows);
    const groupStart = start;
    start += rows;
    if (rows === 0) continue;
    if (window && eventTime && outside(rowGroup.columns.find((chunk) => chunk.meta_data?.path_in_schema[0] === eventTime)?.meta_data?.statistics, window)) {
      yield { line: groupStart + 1, skipped: rows };
      continue;
    }
    const data = new Map<string, ArrayLike<unknown>>();
    const place = (chunk: ColumnData) => data.set(chunk.columnName, inGroup(chunk, groupStart, rows, data.get(chunk.columnName)));
    try {
      await parquetRead({
        file,
        metadata,
        columns: columns.map((column) => column.name),
        rowStart: groupStart,
        rowEnd: groupStart + rows,
        parsers: PARSERS,
        compressors: COMPRESSORS,
        onChunk: place,
      });
    } catch (error) {
      throw new LoadFileError(`${path}: row group ${group + 1} cannot be read (${(error as Error).message})`);
    }
    const values = columns.map((column) => data.get(column.name)!);
    for (let row = 0; row < rows; row++) {
      let time: unknown = null;
      const features: Record<string, unknown> = {};
      for (let index = 0; index < columns.length; index++) {
        const { role, convert } = columns[index]!;
        const raw = values[index]![row] ?? null;
        const value = raw === null || convert === undefined ? raw : convert(raw);
        if (role.kind === 'key' || role.kind === 'id') key.set(role, value);
        else if (role.kind === 'event-time') time = value;
        else features[role.feature.name] = value;
      }
      const timed = time !== null;
      yield { line: groupStart + row + 1, row: { id: key.take(), eventTime: timed ? (time as number | string) : receivedAt, features }, timed };
    }
  }
}

/** True when statistics prove every event time of a row group lies outside the window. */
function outside(statistics: { min_value?: unknown; max_value?: unknown } | undefined, window: EventWindow): boolean {
  const { min_value: min, max_value: max } = statistics ?? {};
  return typeof min === 'number' && typeof max === 'number' && (max < window.from || min > window.to);
}

/**
 * The values of one row group from the chunks hyparquet hands over: usually one chunk that is
 * exactly the group; a chunk may also start before it or cover part of it.
 */
function inGroup(chunk: ColumnData, groupStart: number, rows: number, sofar: ArrayLike<unknown> | undefined): ArrayLike<unknown> {
  if (sofar === undefined && chunk.rowStart === groupStart && chunk.rowEnd === groupStart + rows) return chunk.columnData;
  const values = sofar === undefined ? new Array<unknown>(rows).fill(null) : Array.from(sofar);
  for (let row = Math.max(chunk.rowStart, groupStart); row < Math.min(chunk.rowEnd, groupStart + rows); row++) {
    values[row - groupStart] = chunk.columnData[row - chunk.rowStart];
  }
  return values;
}
