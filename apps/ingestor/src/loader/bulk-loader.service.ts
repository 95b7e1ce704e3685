import { Injectable, Logger } from '@nestjs/common';
import { FeatureStore, type WriteRow } from '@feature-store/core';
import { Pause } from '../common/pause';
import { IngestorMetrics } from '../metrics/ingestor-metrics';
import { retrying } from '../common/retry';
import { type FileFormat, type SourceRecord, readRecords } from './row-sources';

/** Distinct rejection reasons kept for the summary; further ones are only counted. */
const MAX_REASONS = 20;
/** Attempts of one batch write while Redis fails (about 25 s of backoff), before the load fails. */
const WRITE_ATTEMPTS = 8;

export interface LoadProgress {
  readonly read: number;
  readonly written: number;
  readonly stale: number;
  readonly rejected: number;
  readonly elapsedMs: number;
}

export interface LoadSummary extends LoadProgress {
  /** Rejection reasons with how many rows had each and the first line that did, by line. */
  readonly reasons: readonly { reason: string; count: number; firstLine: number }[];
}

export interface LoadOptions {
  readonly format: FileFormat;
  /** Rows validated and written per round trip. */
  readonly batchSize: number;
  readonly onProgress?: (progress: LoadProgress) => void;
}

/**
 * Loads a CSV or JSON Lines file into a view by streaming it: rows are read, validated and
 * written a batch at a time (constant memory), through the same ordered write path as every
 * other source. Rows that do not fit are counted with their reason, never written.
 */
@Injectable()
export class BulkLoader {
  private readonly logger = new Logger('Load');
  private readonly pause = new Pause();

  constructor(
    private readonly store: FeatureStore,
    private readonly metrics: IngestorMetrics,
  ) {}

  async load(path: string, viewName: string, options: LoadOptions): Promise<LoadSummary> {
    const view = this.store.registry.view(viewName);
    const started = Date.now();
    const counts = { read: 0, written: 0, stale: 0, rejected: 0 };
    const reasons = new Map<string, { count: number; firstLine: number }>();
    const reject = (line: number, reason: string) => {
      counts.rejected += 1;
      this.metrics.count('load', view.name, { rejected: 1 });
      const known = reasons.get(reason);
      if (known) known.count += 1;
      else if (reasons.size < MAX_REASONS) reasons.set(reason, { count: 1, firstLine: line });
    };
    const flush = async (batch: { line: number; row: WriteRow }[]) => {
      const rows = batch.map((entry) => entry.row);
      const { written, stale, rejected } = await retrying(
        `Writing rows from line ${batch[0]!.line}`,
        () => this.store.writeValid(view.name, rows),
        { logger: this.logger, pause: this.pause, stopping: () => false, attempts: WRITE_ATTEMPTS },
      );
      for (const { row, reason } of rejected) reject(batch[row]!.line, reason);
      counts.written += written;
      counts.stale += stale;
      this.metrics.count('load', view.name, { written, stale });
      options.onProgress?.({ ...counts, elapsedMs: Date.now() - started });
    };

    // One batch is written while the next is read and parsed; batches are written in file
    // order, one at a time, so a later row of an id never overtakes an earlier one.
    let writing: Promise<void> = Promise.resolve();
    let batch: { line: number; row: WriteRow }[] = [];
    for await (const record of readRecords(path, options.format, view, started) as AsyncIterable<SourceRecord>) {
      counts.read += 1;
      if ('reason' in record) {
        reject(record.line, record.reason);
        continue;
      }
      batch.push({ line: record.line, row: record.row });
      if (batch.length >= options.batchSize) {
        await writing;
        writing = flush(batch);
        batch = [];
      }
    }
    await writing;
    if (batch.length > 0) await flush(batch);
    return {
      ...counts,
      elapsedMs: Date.now() - started,
      reasons: [...reasons]
        .map(([reason, { count, firstLine }]) => ({ reason, count, firstLine }))
        .sort((a, b) => a.firstLine - b.firstLine),
    };
  }
}
