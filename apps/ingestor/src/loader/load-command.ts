import { Logger } from '@nestjs/common';
import { toEpochMs } from '@feature-store/core';
import { parseArgs } from 'node:util';
import { BulkLoader, type LoadProgress, type LoadSummary } from './bulk-loader.service';
import { FILE_FORMATS, type FileFormat } from './load-inputs';

export const LOAD_USAGE = `load --view <view> [--format csv|jsonl|parquet] [--batch-size N] [--event-time-column NAME]
            [--incremental] [--start TIME] [--end TIME] [--max-record-bytes N] <file|folder|glob>...
            stream CSV, JSON Lines or Parquet files (a folder: every *.parquet under it) into a view,
            then print a summary; --incremental loads only rows newer than the view's materialized
            event time and advances it; --start/--end (ISO-8601 or epoch ms) bound the event times`;

/** Default longest record of a text file: far above any row of the registry's types. */
const DEFAULT_MAX_RECORD_BYTES = 1 << 20;

export interface LoadArguments {
  readonly view: string;
  readonly inputs: readonly string[];
  readonly format: FileFormat | undefined;
  readonly batchSize: number;
  readonly eventTimeColumn: string | undefined;
  readonly maxRecordBytes: number;
  readonly incremental: boolean;
  readonly start: number | undefined;
  readonly end: number | undefined;
}

/** @throws Error with the usage, or naming the option, when the arguments do not fit. */
export function parseLoadArguments(args: readonly string[]): LoadArguments {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      view: { type: 'string' },
      format: { type: 'string' },
      'batch-size': { type: 'string' },
      'event-time-column': { type: 'string' },
      'max-record-bytes': { type: 'string' },
      incremental: { type: 'boolean' },
      start: { type: 'string' },
      end: { type: 'string' },
    },
  });
  if (!values.view || positionals.length === 0) throw new Error(`usage: ${LOAD_USAGE}`);
  const format = values.format;
  if (format !== undefined && !(FILE_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`--format: expected ${FILE_FORMATS.join(', ')}`);
  }
  const start = time('--start', values.start);
  const end = time('--end', values.end);
  if (start !== undefined && end !== undefined && start > end) throw new Error('--start: after --end');
  return {
    view: values.view,
    inputs: positionals,
    format: format as FileFormat | undefined,
    batchSize: wholeNumber('--batch-size', values['batch-size'], 2_000),
    eventTimeColumn: values['event-time-column'],
    maxRecordBytes: wholeNumber('--max-record-bytes', values['max-record-bytes'], DEFAULT_MAX_RECORD_BYTES),
    incremental: values.incremental ?? false,
    start,
    end,
  };
}

function wholeNumber(option: string, text: string | undefined, fallback: number): number {
  const value = Number(text ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${option}: expected a whole number >= 1`);
  return value;
}

function time(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = toEpochMs(/^\d+$/.test(text) ? Number(text) : text);
  if (ms === undefined) throw new Error(`${option}: expected an ISO-8601 date-time (UTC unless it has an offset) or epoch ms`);
  return ms;
}

/** Runs a load with progress on the terminal (one line, rewritten) or a log line every 5 s. */
export async function runLoad(loader: BulkLoader, args: LoadArguments): Promise<LoadSummary> {
  const logger = new Logger('Load');
  const tty = process.stderr.isTTY;
  let lastShown = 0;
  const show = (progress: LoadProgress) => {
    const now = Date.now();
    if (now - lastShown < (tty ? 200 : 5_000)) return;
    lastShown = now;
    if (tty) process.stderr.write(`\r${describe(progress)}`);
    else logger.log(describe(progress));
  };
  const summary = await loader.load(args.inputs, args.view, {
    format: args.format,
    batchSize: args.batchSize,
    eventTimeColumn: args.eventTimeColumn,
    maxRecordBytes: args.maxRecordBytes,
    incremental: args.incremental,
    start: args.start,
    end: args.end,
    onProgress: show,
  });
  if (tty) process.stderr.write('\n');
  logger.log(`Loaded ${args.inputs.join(' ')} into ${args.view}: ${describe(summary)}`);
  if (summary.ignoredColumns.length > 0) logger.log(`Columns not in the view, not read: ${summary.ignoredColumns.join(', ')}`);
  if (summary.materialized) {
    const { before, after } = summary.materialized;
    const shown = (ms: number | null) => (ms === null ? 'none' : new Date(ms).toISOString());
    logger.log(
      after === before
        ? `Materialized up to ${shown(after)} (unchanged${summary.rejected > 0 ? ': rows were rejected' : ''})`
        : `Materialized up to ${shown(after)} (was ${shown(before)})`,
    );
  }
  for (const { reason, count, file, format, line } of summary.reasons) {
    logger.warn(`rejected ${count} row(s), first at ${file} ${format === 'parquet' ? 'row' : 'line'} ${line}: ${reason}`);
  }
  return summary;
}

function describe({ read, written, stale, rejected, skipped, files, filesTotal, elapsedMs }: LoadProgress): string {
  const rate = Math.round((read * 1_000) / Math.max(elapsedMs, 1));
  const outside = skipped > 0 ? `, ${skipped} outside the event-time bounds` : '';
  return (
    `${read} rows read, ${written} written, ${stale} stale, ${rejected} rejected${outside}; ` +
    `${files}/${filesTotal} file(s) (${rate} rows/s, ${(elapsedMs / 1_000).toFixed(1)} s)`
  );
}
