const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;

/**
 * A CSV record (RFC 4180) read from the lines it starts on: its cells and how many lines it took
 * (a quoted cell may hold line breaks); or why it is malformed; or null when a quoted cell is
 * still open at the end of the last line given (more lines may close it).
 */
export type CsvParse = { readonly cells: string[]; readonly lines: number } | { readonly error: string } | null;

/** The end of a line's record text: before a trailing "\r" (CRLF files). */
const endOf = (text: string) => (text.charCodeAt(text.length - 1) === CR ? text.length - 1 : text.length);

/**
 * Parses the record starting at `lines[0]` (lines without their "\n"). A quote only opens a
 * cell at its start, `""` inside a quoted cell is one quote, and a quoted cell must be followed
 * by a comma or the end of the record: anything else is an error, so that a stray quote costs
 * one record, not the rest of the file. Line breaks inside a quoted cell are kept as written.
 */
export function parseCsvRecord(lines: readonly string[]): CsvParse {
  let text = lines[0]!;
  // Most records: one line, no quote.
  if (!text.includes('"')) return { cells: text.slice(0, endOf(text)).split(','), lines: 1 };
  let index = 0;
  let end = endOf(text);
  let at = 0;
  const cells: string[] = [];
  for (;;) {
    if (text.charCodeAt(at) !== QUOTE) {
      const comma = text.indexOf(',', at);
      const stop = comma === -1 || comma > end ? end : comma;
      const cell = text.slice(at, stop);
      if (cell.includes('"')) return { error: `a quote inside unquoted cell ${cells.length + 1}` };
      cells.push(cell);
      if (stop === end) return { cells, lines: index + 1 };
      at = stop + 1;
      continue;
    }
    let cell = '';
    let from = at + 1;
    for (;;) {
      const close = text.indexOf('"', from);
      if (close === -1) {
        if (index + 1 >= lines.length) return null;
        cell += `${text.slice(from)}\n`;
        index += 1;
        text = lines[index]!;
        end = endOf(text);
        from = 0;
      } else if (text.charCodeAt(close + 1) === QUOTE) {
        cell += text.slice(from, close + 1);
        from = close + 2;
      } else {
        cell += text.slice(from, close);
        at = close + 1;
        break;
      }
    }
    cells.push(cell);
    if (at === end) return { cells, lines: index + 1 };
    if (text.charCodeAt(at) !== COMMA) return { error: `text after the closing quote of cell ${cells.length}` };
    at += 1;
  }
}
