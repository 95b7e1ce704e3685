/** One sample of the Prometheus text format: `name{label="value",...} value`. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n' };

/**
 * The samples of a scrape in the Prometheus text format (0.0.4, as prom-client writes it) whose
 * metric name is one of `names`; other lines are skipped unread, so that a scrape of a whole
 * process costs little beyond the families asked for.
 * @throws Error naming the line of a sample that does not parse.
 */
export function parsePrometheusText(text: string, names: ReadonlySet<string>): PromSample[] {
  const samples: PromSample[] = [];
  let start = 0;
  for (let number = 1; start < text.length; number++) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    const nameEnd = line.search(/[{ ]/);
    const name = nameEnd === -1 ? line : line.slice(0, nameEnd);
    if (!names.has(name)) continue;
    const sample = parseSample(line, name, nameEnd);
    if (!sample) throw new Error(`line ${number}: not a sample: ${line.slice(0, 120)}`);
    samples.push(sample);
  }
  return samples;
}

function parseSample(line: string, name: string, nameEnd: number): PromSample | null {
  const labels: Record<string, string> = {};
  let at = nameEnd;
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const equals = line.indexOf('="', at);
      if (equals === -1) return null;
      const label = line.slice(at, equals);
      let value = '';
      at = equals + 2;
      while (line[at] !== '"') {
        if (at >= line.length) return null;
        if (line[at] === '\\') {
          const escaped = ESCAPES[line[at + 1] ?? ''];
          if (escaped === undefined) return null;
          value += escaped;
          at += 2;
        } else value += line[at++];
      }
      labels[label] = value;
      at++;
      if (line[at] === ',') at++;
      else if (line[at] !== '}') return null;
    }
    at++;
  }
  // The value, then an optional timestamp, which a summary does not need.
  const [text] = line.slice(at).trim().split(' ');
  const value = promNumber(text ?? '');
  return Number.isNaN(value) && text !== 'NaN' ? null : { name, labels, value };
}

/** A number as the text format writes it (`+Inf`, `-Inf`, `NaN` included); NaN when it is none. */
export function promNumber(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return text === '' ? NaN : Number(text);
}
