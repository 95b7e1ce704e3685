import { type RawValues, WRONG_TYPE } from './backend';

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const ZERO = 0x30;

/**
 * Decodes the read script's reply (lua/read-hashes-n.lua): a JSON array with, per key, an array of
 * strings or false, or 0 for a key that is not a hash (read as `WRONG_TYPE`). When the text holds
 * no backslash, no string in it has an escape, so each string is the text between two quotes and
 * is sliced out directly. JSON.parse would internalize every string of up to 10 characters (V8's
 * string table), which costs a batch read in the API under load. Text with an escape, or of any
 * other shape, goes to JSON.parse.
 * @throws SyntaxError when the text is not JSON
 */
export function parseHashRows(text: string): RawValues[] {
  const sliced = text.includes('\\') ? undefined : sliceRows(text);
  if (sliced) return sliced;
  const parsed = JSON.parse(text) as unknown;
  return Array.isArray(parsed) ? parsed.map((row: unknown) => (row === 0 ? WRONG_TYPE : (row as RawValues))) : (parsed as RawValues[]);
}

/** The rows of an escape-free reply; undefined as soon as the text is not of the expected shape. */
function sliceRows(text: string): RawValues[] | undefined {
  if (text === '[]') return [];
  if (text.charCodeAt(0) !== OPEN) return undefined;
  const rows: RawValues[] = [];
  let at = 1;
  for (;;) {
    const first = text.charCodeAt(at++);
    if (first === ZERO) rows.push(WRONG_TYPE);
    else if (first !== OPEN) return undefined;
    else {
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
    }
    const next = text.charCodeAt(at++);
    if (next === CLOSE) return at === text.length ? rows : undefined;
    if (next !== COMMA) return undefined;
  }
}
