import { parquetWriteFile } from 'hyparquet-writer';

/** The writer's own schema type (it depends on an older hyparquet than the loader's). */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteFile>[0]['schema']>[number];

/** One column of a Parquet file a test writes: its values and its schema element(s). */
export interface ParquetColumn {
  readonly name: string;
  readonly data: unknown[];
  readonly schema: SchemaElement[];
}

const optional = (name: string, element: Omit<SchemaElement, 'name' | 'repetition_type'>): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', ...element },
];

/** Columns of each Parquet type the loader maps to the registry's types. */
export const parquetColumn = {
  string: (name: string, data: (string | null)[]): ParquetColumn => ({ name, data, schema: optional(name, { type: 'BYTE_ARRAY', converted_type: 'UTF8' }) }),
  int32: (name: string, data: (number | null)[]): ParquetColumn => ({ name, data, schema: optional(name, { type: 'INT32' }) }),
  int64: (name: string, data: (bigint | null)[]): ParquetColumn => ({ name, data, schema: optional(name, { type: 'INT64' }) }),
  float: (name: string, data: (number | null)[]): ParquetColumn => ({ name, data, schema: optional(name, { type: 'FLOAT' }) }),
  double: (name: string, data: (number | null)[]): ParquetColumn => ({ name, data, schema: optional(name, { type: 'DOUBLE' }) }),
  boolean: (name: string, data: (boolean | null)[]): ParquetColumn => ({ name, data, schema: optional(name, { type: 'BOOLEAN' }) }),
  date: (name: string, days: (number | null)[]): ParquetColumn => ({ name, data: days, schema: optional(name, { type: 'INT32', converted_type: 'DATE' }) }),
  /** Raw values in `unit`; `utc` false is a wall-clock ("local") timestamp, pandas' naive datetime. */
  timestamp: (name: string, data: (bigint | null)[], unit: 'MILLIS' | 'MICROS' | 'NANOS', utc = true): ParquetColumn => ({
    name,
    data,
    schema: optional(name, { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: utc, unit } }),
  }),
  list: (name: string, element: 'FLOAT' | 'DOUBLE', data: ((number | null)[] | null)[]): ParquetColumn => ({
    name,
    data,
    schema: [
      { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: element, repetition_type: 'OPTIONAL' },
    ],
  }),
};

/** Writes a Parquet file (SNAPPY) of row groups of `rowGroupSize` rows. */
export function writeParquet(path: string, columns: readonly ParquetColumn[], rowGroupSize = 100_000): void {
  parquetWriteFile({
    filename: path,
    rowGroupSize,
    columnData: columns.map(({ name, data }) => ({ name, data: data as never })),
    schema: [{ name: 'root', num_children: columns.length }, ...columns.flatMap((column) => column.schema)],
  });
}
