import type { WriteRow } from '@feature-store/core';

/**
 * One record of an input file: a row to validate and write, or the reason it cannot be read.
 * `line` is where it starts: the line number in a text file, the row number (from 1) in Parquet.
 * `timed` tells whether the row carries its own event time (else it is the time of receipt).
 */
export type SourceRecord = { readonly line: number } & (
  | { readonly row: WriteRow; readonly timed: boolean }
  | { readonly reason: string }
);

/** Thrown for a file that cannot be loaded at all (e.g. a CSV header naming an unknown column). */
export class LoadFileError extends Error {}
