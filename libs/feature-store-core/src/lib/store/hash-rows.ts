import type { RawValues } from './read-plan';

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/**
 * Decodes the batch script's reply (lua/read-hashes-n.lua): a JSON array of arrays of strings or
 * false. When the text holds no backslash, no string in it has an escape, so each string is the
 * text between two quotes and is sliced out directly. JSON.parse would internalize every string
 * of up to 10 characters (V8's string table), which cost about 25 µs per batch of 100 rows in the
 * API under load. Text with an escape, or of any other shape, goes to JSON.parse.
 * @throws SyntaxError when the text is not JSON
 */
export function parseHashRows(text: string): RawValues[] {
  return (text.includes('\\') ? undefined : sliceRows(text)) ?? (JSON.parse(text) as RawValues[]);
}

/** The rows of an escape-free reply; undefined as soon as the text is not of the expected shape. */
function sliceRows(text: string): RawValues[] | undefined {
  if (text === '[]') return [];
  if (text.charCodeAt(0) !== OPEN) return undefined;
  const rows: RawValues[] = [];
  let at = 1;
  for (;;) {
    if (text.charCodeAt(at++) !== OPEN) return undefined;
    const row: (string | false)[] = [];
    for (;;) {
      if (text.charCodeAt(at) === QUOTE) {
        const end = text.indexOf('"', at + 1);
        if (end < 0) return undefined;
        row.push(text.slice(at + 1, end));
        at = end + 1;
      } else if (text.startsWith('false', at)) {
        row.push(false);
        at += 5;
      } else return undefined;
      const next = text.charCodeAt(at++);
      if (next === CLOSE) break;
      if (next !== COMMA) return undefined;
    }
    rows.push(row);
    const next = text.charCodeAt(at++);
    if (next === CLOSE) return at === text.length ? rows : undefined;
    if (next !== COMMA) return undefined;
  }
}
