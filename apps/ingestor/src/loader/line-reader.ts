import { createReadStream } from 'node:fs';

/**
 * One line of a text file, without its "\n" (a "\r" before it stays). `text` is null for a line
 * longer than the limit: its bytes were counted and dropped, never held.
 */
export interface TextLine {
  /** From 1. */
  readonly number: number;
  readonly text: string | null;
  /** Its length in bytes, "\n" excluded. */
  readonly bytes: number;
}

const NEWLINE = 0x0a;

/**
 * Streams the lines of a file with at most `maxBytes` bytes of one line in memory, however long
 * the line (a file without newlines included). A UTF-8 byte-order mark starting the file is
 * dropped. Splitting on the byte 0x0a is safe in UTF-8, where no character's encoding holds it.
 */
export async function* readLines(path: string, maxBytes: number): AsyncGenerator<TextLine> {
  let number = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const line = (last: Buffer, bytes: number): TextLine => {
    number += 1;
    if (bytes > maxBytes) return { number, text: null, bytes };
    let text = pending.length === 0 ? last.toString('utf8') : Buffer.concat([...pending, last]).toString('utf8');
    if (number === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { number, text, bytes };
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      yield line(chunk.subarray(start, end), pendingBytes + end - start);
      pending = [];
      pendingBytes = 0;
      start = end + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      // Past the limit the line's bytes are only counted: the line is refused whole.
      if (pendingBytes > maxBytes) pending = [];
      else pending.push(chunk.subarray(start));
    }
  }
  if (pendingBytes > 0) yield line(Buffer.alloc(0), pendingBytes);
}
