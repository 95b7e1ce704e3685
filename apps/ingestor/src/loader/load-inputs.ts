import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { LoadFileError } from './source-record';

export const FILE_FORMATS = ['csv', 'jsonl', 'parquet'] as const;

export type FileFormat = (typeof FILE_FORMATS)[number];

/** One file of a load and the format it is read as. */
export interface LoadInput {
  readonly path: string;
  readonly format: FileFormat;
}

/** `csv` for .csv, `jsonl` for .jsonl / .ndjson / .json, `parquet` for .parquet / .parq; undefined otherwise. */
export function formatOf(path: string): FileFormat | undefined {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl';
  if (/\.(parquet|parq)$/i.test(path)) return 'parquet';
  return undefined;
}

/**
 * The files named by the command line, in load order: each argument is a file, a folder (every
 * `*.parquet` file under it, recursively: a partitioned data set such as `date=2026-01-01/part-0.parquet`)
 * or a glob (`'data/**\/*.parquet'`, quoted so the shell leaves it). A folder's or a glob's files
 * load sorted by path (code unit order), so a run is repeatable; arguments keep their order.
 * `format` forces the format of every file; otherwise each file's comes from its extension.
 * @throws LoadFileError for an argument that names nothing, or a file whose format is unknown.
 */
export async function resolveInputs(args: readonly string[], format: FileFormat | undefined): Promise<LoadInput[]> {
  const inputs: LoadInput[] = [];
  for (const arg of args) {
    const paths = await pathsOf(arg);
    if (paths.length === 0) throw new LoadFileError(`${arg}: no such file, and no file matches it`);
    for (const path of paths) {
      const fileFormat = format ?? formatOf(path);
      if (fileFormat === undefined) throw new LoadFileError(`${path}: unknown format (name it .csv, .jsonl or .parquet, or give --format)`);
      inputs.push({ path, format: fileFormat });
    }
  }
  return inputs;
}

async function pathsOf(arg: string): Promise<string[]> {
  const found = await stat(arg).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new LoadFileError(`${arg}: ${error.message}`);
  });
  if (found?.isDirectory()) {
    return byPath(await glob('**/*.parquet', { cwd: arg, expandDirectories: false })).map((path) => join(arg, path));
  }
  if (found) return [arg];
  return isDynamicPattern(arg) ? byPath(await glob(arg, { expandDirectories: false })) : [];
}

/** Sorted by code units, not by locale: the same order on every machine. */
function byPath(paths: string[]): string[] {
  return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
