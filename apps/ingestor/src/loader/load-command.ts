import { Logger } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { BulkLoader, type LoadProgress, type LoadSummary } from './bulk-loader.service';
import { type FileFormat, formatOf } from './row-sources';

export const LOAD_USAGE = `load --view <view> [--format csv|jsonl] [--batch-size N] <file>
            stream a CSV or JSON Lines file into a view, then print a summary`;

export interface LoadArguments {
  readonly view: string;
  readonly file: string;
  readonly format: FileFormat;
  readonly batchSize: number;
}

/** @throws Error with the usage when the arguments do not fit. */
export function parseLoadArguments(args: readonly string[]): LoadArguments {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { view: { type: 'string' }, format: { type: 'string' }, 'batch-size': { type: 'string' } },
  });
  const file = positionals[0];
  if (!values.view || !file || positionals.length > 1) throw new Error(`usage: ${LOAD_USAGE}`);
  const format = values.format ?? formatOf(file);
  if (format !== 'csv' && format !== 'jsonl') {
    throw new Error(`--format: expected csv or jsonl (cannot tell from the name ${file})`);
  }
  const batchSize = Number(values['batch-size'] ?? 2_000);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error('--batch-size: expected a whole number >= 1');
  return { view: values.view, file, format, batchSize };
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
  const summary = await loader.load(args.file, args.view, {
    format: args.format,
    batchSize: args.batchSize,
    onProgress: show,
  });
  if (tty) process.stderr.write('\n');
  logger.log(`Loaded ${args.file} into ${args.view}: ${describe(summary)}`);
  for (const { reason, count, firstLine } of summary.reasons) {
    logger.warn(`rejected ${count} row(s), first at line ${firstLine}: ${reason}`);
  }
  return summary;
}

function describe({ read, written, stale, rejected, elapsedMs }: LoadProgress): string {
  const rate = Math.round((read * 1_000) / Math.max(elapsedMs, 1));
  return `${read} rows read, ${written} written, ${stale} stale, ${rejected} rejected (${rate} rows/s, ${(elapsedMs / 1_000).toFixed(1)} s)`;
}
