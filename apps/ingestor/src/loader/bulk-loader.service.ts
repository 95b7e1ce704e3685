import { Injectable, Logger } from '@nestjs/common';
import { FeatureStore, type WriteRow, toEpochMs } from '@feature-store/core';
import { Pause } from '../common/pause';
import { retrying } from '../common/retry';
import { type FileFormat, resolveInputs } from './load-inputs';
import { type OpenedSource, openSource } from './open-source';
import type { EventWindow } from './parquet-source';
import type { ViewTarget } from './view-columns';

/** Distinct rejection reasons kept for the summary; further ones are only counted. */
const MAX_REASONS = 20;
/** Attempts of one batch write while Redis fails (about 25 s of backoff), before the load fails. */
const WRITE_ATTEMPTS = 8;

export interface LoadProgress {
  readonly read: number;
  readonly written: number;
  readonly stale: number;
  readonly rejected: number;
  /** Rows outside the event-time window (`start`, `end`, `incremental`): neither written nor rejected. */
  readonly skipped: number;
  /** Files finished, of `filesTotal`. */
  readonly files: number;
  readonly filesTotal: number;
  readonly elapsedMs: number;
}

export interface LoadSummary extends LoadProgress {
  /**
   * Rejection reasons with how many rows had each and where the first was: its file and line
   * (its row, from 1, in a Parquet file), in load order.
   */
  readonly reasons: readonly { reason: string; count: number; file: string; format: FileFormat; line: number }[];
  /** Columns of the files that the view has no use for (Parquet), not read. */
  readonly ignoredColumns: readonly string[];
  /** With `incremental`: the view's materialized mark before the run and after it. */
  readonly materialized: { readonly before: number | null; readonly after: number | null } | null;
}

export interface LoadOptions {
  /** Every file's format; by default each file's extension tells. */
  readonly format?: FileFormat;
  /** Rows validated and written per round trip. */
  readonly batchSize: number;
  /** The event-time column; by default `event_timestamp` or `event_ts`. */
  readonly eventTimeColumn?: string;
  /** Longest record of a text file, in bytes; a longer one is rejected without being held. */
  readonly maxRecordBytes: number;
  /**
   * Loads only rows newer than the view's materialized mark, and advances the mark once every
   * file loaded without a rejected row: to `end` when given, else to the latest event time read.
   */
  readonly incremental?: boolean;
  /** Only rows whose event time is at or after this (epoch ms). */
  readonly start?: number;
  /** Only rows whose event time is at or before this (epoch ms). */
  readonly end?: number;
  readonly onProgress?: (progress: LoadProgress) => void;
}

interface Pending {
  readonly file: number;
  readonly line: number;
  readonly row: WriteRow;
}

/**
 * Loads files (CSV, JSON Lines, Parquet) into a view by streaming them: rows are read, validated
 * and written a batch at a time (memory stays flat: a text record or a Parquet row group at a
 * time), through the same ordered last-write-wins path as every other source, so loading the
 * same rows again changes nothing. Every file is checked (header, schema) before any row is
 * written. Rows that do not fit are counted with their reason, never written.
 */
@Injectable()
export class BulkLoader {
  private readonly logger = new Logger('Load');
  private readonly pause = new Pause();

  constructor(private readonly store: FeatureStore) {}

  /**
   * @param inputs files, folders (every *.parquet under them) and globs, see `resolveInputs`
   * @throws LoadFileError for a file that cannot be loaded (nothing was written when it was found
   *   before the first row; a Parquet file corrupt past its footer fails the load where it is)
   */
  async load(inputs: readonly string[], viewName: string, options: LoadOptions): Promise<LoadSummary> {
    const view = this.store.registry.view(viewName);
    const target: ViewTarget = { view, space: this.store.registry.keySpace(view.entity), eventTimeColumn: options.eventTimeColumn };
    const started = Date.now();
    const files = await resolveInputs(inputs, options.format);
    const sources: OpenedSource[] = [];
    for (const file of files) sources.push(await openSource(file, target, options.maxRecordBytes));
    const before = options.incremental ? await this.store.materialized(view.name) : null;
    const window = eventWindow(options, before);

    const counts = { read: 0, written: 0, stale: 0, rejected: 0, skipped: 0, files: 0, filesTotal: files.length };
    const progress = () => options.onProgress?.({ ...counts, elapsedMs: Date.now() - started });
    const reasons = new Map<string, { count: number; file: number; line: number }>();
    const reject = (file: number, line: number, reason: string) => {
      counts.rejected += 1;
      const known = reasons.get(reason);
      if (known) {
        known.count += 1;
        // Rows rejected by the write come after later lines rejected by the reader: keep the first.
        if (file < known.file || (file === known.file && line < known.line)) Object.assign(known, { file, line });
      } else if (reasons.size < MAX_REASONS) reasons.set(reason, { count: 1, file, line });
    };
    // The counts go to Redis, for the ingestor's metrics (a load's own process serves none): what
    // was handled since the last record; a failed record is tried again with the next one.
    let recorded = { written: 0, stale: 0, rejected: 0 };
    const record = async () => {
      const now = { written: counts.written, stale: counts.stale, rejected: counts.rejected };
      const added = { written: now.written - recorded.written, stale: now.stale - recorded.stale, rejected: now.rejected - recorded.rejected };
      try {
        await this.store.recordLoaded(view.name, added);
        recorded = now;
      } catch (error) {
        this.logger.warn(`Counts of the rows loaded not recorded for the metrics yet: ${(error as Error).message}`);
      }
    };
    const flush = async (batch: readonly Pending[]) => {
      const { written, stale, rejected } = await retrying(
        `Writing rows from ${files[batch[0]!.file]!.path} line ${batch[0]!.line}`,
        () => this.store.writeValid(view.name, batch.map((entry) => entry.row)),
        { logger: this.logger, pause: this.pause, stopping: () => false, attempts: WRITE_ATTEMPTS },
      );
      for (const { row, reason } of rejected) reject(batch[row]!.file, batch[row]!.line, reason);
      counts.written += written;
      counts.stale += stale;
      await record();
      progress();
    };

    // One batch is written while the next is read and parsed; batches are written in file
    // order, one at a time, so a later row of an id never overtakes an earlier one.
    let writing: Promise<void> = Promise.resolve();
    let batch: Pending[] = [];
    let latest: number | null = null;
    for (const [file, source] of sources.entries()) {
      for await (const record of source.records(started, window)) {
        if ('skipped' in record) {
          counts.read += record.skipped;
          counts.skipped += record.skipped;
          continue;
        }
        counts.read += 1;
        if ('reason' in record) {
          reject(file, record.line, record.reason);
          continue;
        }
        if (window) {
          if (!record.timed) {
            reject(file, record.line, 'no event time: a load bounded by --start, --end or --incremental needs one');
            continue;
          }
          const eventMs = toEpochMs(record.row.eventTime);
          // An unreadable event time goes on to the write, which rejects it with the push's reason.
          if (eventMs !== undefined && (eventMs < window.from || eventMs > window.to)) {
            counts.skipped += 1;
            continue;
          }
          if (eventMs !== undefined && (latest === null || eventMs > latest)) latest = eventMs;
        }
        batch.push({ file, line: record.line, row: record.row });
        if (batch.length >= options.batchSize) {
          await writing;
          writing = flush(batch);
          batch = [];
        }
      }
      counts.files += 1;
      progress();
    }
    await writing;
    if (batch.length > 0) await flush(batch);
    await record();

    let materialized: LoadSummary['materialized'] = null;
    if (options.incremental) {
      // A run with rejected rows leaves the mark: the next incremental run reads those rows again.
      const mark = options.end ?? latest;
      const after = counts.rejected === 0 && mark !== null ? await this.store.advanceMaterialized(view.name, mark) : before;
      materialized = { before, after };
    }
    return {
      ...counts,
      elapsedMs: Date.now() - started,
      reasons: [...reasons]
        .sort(([, a], [, b]) => a.file - b.file || a.line - b.line)
        .map(([reason, { count, file, line }]) => ({ reason, count, file: files[file]!.path, format: files[file]!.format, line })),
      ignoredColumns: [...new Set(sources.flatMap((source) => source.ignoredColumns))],
      materialized,
    };
  }
}

/** The event times a load takes, or null when it takes every row (timed or not). */
function eventWindow(options: LoadOptions, mark: number | null): EventWindow | null {
  if (!options.incremental && options.start === undefined && options.end === undefined) return null;
  const after = mark === null ? 0 : mark + 1;
  return { from: Math.max(options.start ?? 0, after), to: options.end ?? Number.MAX_SAFE_INTEGER };
}
