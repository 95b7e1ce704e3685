import { type FeatureDefinition, type ViewDefinition, type WriteRow, fromText } from '@feature-store/core';
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type FileFormat = 'csv' | 'jsonl';

/** One record of an input file: a row to validate and write, or the reason it cannot be read. */
export type SourceRecord = { readonly line: number } & ({ readonly row: WriteRow } | { readonly reason: string });

/** Thrown for a file that cannot be loaded at all (e.g. a CSV header naming an unknown column). */
export class LoadFileError extends Error {}

/** `csv` for .csv, `jsonl` for .jsonl / .ndjson / .json; undefined otherwise. */
export function formatOf(path: string): FileFormat | undefined {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl';
  return undefined;
}

/**
 * Streams the records of a file, one at a time, so memory stays flat whatever its size.
 *   CSV    a header `id,event_ts,<feature>...` (event_ts optional); an empty cell leaves the
 *          feature untouched; values are read as their declared type (vectors as JSON arrays).
 *   JSONL  one object per line, as the push API takes rows: {"id", "event_ts"?, "features"}.
 * A row without event_ts is stamped with `receivedAt`.
 */
export function readRecords(path: string, format: FileFormat, view: ViewDefinition, receivedAt: number) {
  return format === 'csv' ? readCsv(path, view, receivedAt) : readJsonLines(path, receivedAt);
}

async function* readCsv(path: string, view: ViewDefinition, receivedAt: number): AsyncGenerator<SourceRecord> {
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  let columns: { name: string; feature: FeatureDefinition | null }[] | null = null;
  let line = 0;
  for await (const cells of parser as AsyncIterable<string[]>) {
    line += 1;
    if (columns === null) {
      columns = header(cells, view);
      continue;
    }
    if (cells.length !== columns.length) {
      yield { line, reason: `expected ${columns.length} cells, got ${cells.length}` };
      continue;
    }
    let id = '';
    let eventTime: string | number = receivedAt;
    const features: Record<string, unknown> = {};
    columns.forEach(({ name, feature }, index) => {
      const cell = cells[index] ?? '';
      if (name === 'id') id = cell;
      else if (name === 'event_ts') eventTime = cell === '' ? receivedAt : /^\d+$/.test(cell) ? Number(cell) : cell;
      else if (feature && cell !== '') features[name] = fromText(feature, cell);
    });
    yield { line, row: { id, eventTime, features } };
  }
}

function header(cells: readonly string[], view: ViewDefinition) {
  const names = cells.map((cell) => cell.trim());
  if (!names.includes('id')) throw new LoadFileError('CSV header: an "id" column is required');
  return names.map((name) => {
    if (name === 'id' || name === 'event_ts') return { name, feature: null };
    const feature = view.features.find((candidate) => candidate.name === name);
    if (!feature) throw new LoadFileError(`CSV header: "${name}" is not a feature of view "${view.name}"`);
    return { name, feature };
  });
}

async function* readJsonLines(path: string, receivedAt: number): AsyncGenerator<SourceRecord> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, reason: `invalid JSON (${(error as Error).message})` };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, reason: 'expected a JSON object {"id", "event_ts", "features"}' };
      continue;
    }
    const { id, event_ts: eventTs, features } = value as Record<string, unknown>;
    yield {
      line,
      row: {
        id: id as string,
        eventTime: eventTs === undefined ? receivedAt : (eventTs as string | number),
        features: features as Record<string, unknown>,
      },
    };
  }
}
