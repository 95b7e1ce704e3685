// How every bench reports: number formats, text and Markdown tables, PASS/FAIL lines, and the
// report files under the report folder (<name>-<time>.json and .md, and the same as <latest>.*).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Figure = number | null | undefined;

/** A whole count with thousands separators, or "-". */
export const fmtCount = (value: Figure): string => (typeof value === 'number' ? Math.round(value).toLocaleString('en-US') : '-');
/** `digits` decimals, or "-". */
export const fmtFixed = (value: Figure, digits: number): string => (typeof value === 'number' ? value.toFixed(digits) : '-');
/** Milliseconds: two decimals below 10, one above. */
export const fmtMs = (value: Figure): string => (typeof value !== 'number' ? '-' : value < 10 ? value.toFixed(2) : value.toFixed(1));
/** A ratio as "1.23x", or "-". */
export const fmtRatio = (value: Figure, digits = 2): string => (typeof value === 'number' ? `${value.toFixed(digits)}x` : '-');

type Rows = readonly (readonly string[])[];

/** Aligned columns for the console: the first `leftColumns` padded on the right, the others on the left. */
export function textTable(rows: Rows, leftColumns: number): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: readonly string[]) =>
    row.map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(rows[0]), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** A Markdown table of `rows` (the first is the header); columns from `rightFrom` on are right-aligned. */
export function markdownTable(rows: Rows, rightFrom = Infinity): string {
  const rule = rows[0].map((_, column) => (column < rightFrom ? '---' : '---:'));
  return [rows[0], rule, ...rows.slice(1)].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** "PASS  <subject>" or "FAIL  <subject>", as the console prints a verdict. */
export const verdictLine = (pass: boolean, subject: string): string => `${pass ? 'PASS' : 'FAIL'}  ${subject}`;

/** A verdict line as a Markdown list item, its PASS/FAIL in bold. */
export const markdownVerdict = (line: string): string => `- ${line.replace(/^(PASS|FAIL)/, '**$1**')}`;

export interface ReportFiles {
  /** Files are <name>-<stamp>.json and .md. */
  readonly name: string;
  /** An ISO time; ':' and '.' become '-' in the file names. */
  readonly startedAt: string;
  readonly json: unknown;
  readonly markdown?: string;
  /** When set, the same content is written again as <latest>.json and .md. */
  readonly latest?: string;
}

/** Writes a report under `dir` (created if missing); returns the paths written. */
export function writeReportFiles(dir: string, { name, startedAt, json, markdown, latest }: ReportFiles): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  const contents: [string, string][] = [[`${name}-${stamp}.json`, `${JSON.stringify(json, null, 2)}\n`]];
  if (markdown !== undefined) contents.push([`${name}-${stamp}.md`, markdown]);
  if (latest !== undefined) contents.push(...contents.map(([file, text]): [string, string] => [`${latest}${file.slice(file.lastIndexOf('.'))}`, text]));
  return contents.map(([file, text]) => {
    const path = join(dir, file);
    writeFileSync(path, text);
    return path;
  });
}
