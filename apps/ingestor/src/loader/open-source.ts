import { openCsv } from './csv-source';
import { jsonlRecords } from './jsonl-source';
import type { LoadInput } from './load-inputs';
import { type EventWindow, openParquet } from './parquet-source';
import type { SourceRecord } from './source-record';
import type { ViewTarget } from './view-columns';

/** Rows of a file outside the load's event-time window that were not even read (a Parquet row group). */
export interface SkippedRows {
  readonly line: number;
  readonly skipped: number;
}

/** A file whose header or schema fits the view, ready to stream. */
export interface OpenedSource {
  /** Columns of the file the view has no use for (Parquet), not read. */
  readonly ignoredColumns: readonly string[];
  records(receivedAt: number, window: EventWindow | null): AsyncIterable<SourceRecord | SkippedRows>;
}

/**
 * Checks a file against the view without reading its rows (a CSV header, a Parquet footer).
 * @throws LoadFileError when it cannot be loaded
 */
export async function openSource(input: LoadInput, target: ViewTarget, maxRecordBytes: number): Promise<OpenedSource> {
  switch (input.format) {
    case 'csv': {
      const csv = await openCsv(input.path, target, maxRecordBytes);
      return { ignoredColumns: [], records: (receivedAt) => csv.records(receivedAt) };
    }
    case 'jsonl':
      return { ignoredColumns: [], records: (receivedAt) => jsonlRecords(input.path, target, maxRecordBytes, receivedAt) };
    case 'parquet':
      return openParquet(input.path, target);
  }
}
