import { fromText } from '@feature-store/core';
import { parseCsvRecord } from './csv-record';
import { type TextLine, readLines } from './line-reader';
import { LoadFileError, type SourceRecord } from './source-record';
import { type ColumnRole, KeyBuilder, type ViewTarget, columnRoles } from './view-columns';

/** A CSV record's cells, or why it cannot be read, with the line it starts on. */
type CsvCells = { readonly line: number } & ({ readonly cells: string[] } | { readonly reason: string });

const isBlank = (text: string) => text === '' || text === '\r';

/**
 * Streams the records of a CSV file. A malformed record is reported with its first line and the
 * reading goes on at the next line; a record (all its lines) longer than `maxBytes` is refused
 * without being held, so an unterminated quote costs at most `maxBytes` of memory and one line.
 * Empty lines between records are skipped.
 */
export async function* csvCells(path: string, maxBytes: number): AsyncGenerator<CsvCells> {
  // Lines of a record whose quoted cell is still open: the only lines ever held.
  const open: TextLine[] = [];
  let openBytes = 0;
  // Parses the open lines; `closing` (why no later line can complete them) rejects a record still open.
  function* settle(closing: string | null): Generator<CsvCells> {
    while (open.length > 0) {
      const first = open[0]!;
      const parsed = isBlank(first.text!) ? 'blank' : parseCsvRecord(open.map((line) => line.text!));
      if (parsed === null && closing === null && openBytes <= maxBytes) return;
      let taken = 1;
      if (parsed === null) {
        yield { line: first.number, reason: closing ?? tooLong(maxBytes) };
      } else if (parsed !== 'blank') {
        if ('error' in parsed) yield { line: first.number, reason: parsed.error };
        else {
          yield { line: first.number, cells: parsed.cells };
          taken = parsed.lines;
        }
      }
      // A malformed record costs its first line only: reading resumes on the next one.
      for (const line of open.splice(0, taken)) openBytes -= line.bytes + 1;
    }
  }
  for await (const line of readLines(path, maxBytes)) {
    if (line.text === null) {
      // A line past the limit ends any record under way: it could not complete within it.
      yield* settle(tooLong(maxBytes));
      yield { line: line.number, reason: tooLong(maxBytes) };
      continue;
    }
    if (open.length === 0) {
      if (isBlank(line.text)) continue;
      const parsed = parseCsvRecord([line.text]);
      if (parsed !== null) {
        yield 'error' in parsed ? { line: line.number, reason: parsed.error } : { line: line.number, cells: parsed.cells };
        continue;
      }
    }
    open.push(line);
    openBytes += line.bytes + 1;
    yield* settle(null);
  }
  yield* settle('a quoted cell is not closed by the end of the file');
}

const tooLong = (maxBytes: number) => `record longer than ${maxBytes} bytes (--max-record-bytes)`;

/** A CSV file ready to read: its header checked against the view. */
export interface CsvSource {
  records(receivedAt: number): AsyncGenerator<SourceRecord>;
}

/**
 * Opens a CSV file whose header names the view's columns (see `columnRoles`): every column must be
 * one of them. In a row, an empty cell leaves its feature untouched and an empty event time is
 * the time of receipt; cells are read as their declared type (`fromText`: vectors as JSON arrays).
 * @throws LoadFileError for a file without a header, or a header that does not fit the view
 */
export async function openCsv(path: string, target: ViewTarget, maxBytes: number): Promise<CsvSource> {
  const cells = csvCells(path, maxBytes);
  const header = (await cells.next()).value as CsvCells | undefined;
  await cells.return(undefined);
  if (header === undefined) throw new LoadFileError(`${path}: empty, no CSV header`);
  if ('reason' in header) throw new LoadFileError(`${path} line ${header.line}: CSV header: ${header.reason}`);
  const roles = columnRoles(
    header.cells.map((cell) => cell.trim()),
    target,
    `${path}: CSV header`,
    'refuse',
  );
  return { records: (receivedAt) => csvRecords(path, maxBytes, roles, receivedAt) };
}

async function* csvRecords(path: string, maxBytes: number, roles: readonly ColumnRole[], receivedAt: number): AsyncGenerator<SourceRecord> {
  const key = new KeyBuilder();
  let header = true;
  for await (const record of csvCells(path, maxBytes)) {
    if (header) {
      header = false;
      continue;
    }
    if ('reason' in record) {
      yield record;
      continue;
    }
    const { cells, line } = record;
    if (cells.length !== roles.length) {
      yield { line, reason: `expected ${roles.length} cells, got ${cells.length}` };
      continue;
    }
    let eventTime: string | number = receivedAt;
    let timed = false;
    const features: Record<string, unknown> = {};
    for (let index = 0; index < roles.length; index++) {
      const role = roles[index]!;
      const cell = cells[index]!;
      if (role.kind === 'key' || role.kind === 'id') key.set(role, cell);
      else if (role.kind === 'event-time') {
        if (cell !== '') {
          eventTime = /^\d+$/.test(cell) ? Number(cell) : cell;
          timed = true;
        }
      } else if (role.kind === 'feature' && cell !== '') features[role.feature.name] = fromText(role.feature, cell);
    }
    yield { line, row: { id: key.take(), eventTime, features }, timed };
  }
}
