// The write bench's figures: per-path medians, path/baseline ratios, bytes per entity and target
// verdicts, and the console and Markdown text of them (written through ../report.ts).
import type { WritePath } from '../options';
import { fmtCount, fmtFixed, fmtRatio, markdownTable, markdownVerdict, textTable, verdictLine } from '../report';
import { median } from '../stats';
import type { MemorySample } from './memory';
import type { TimedWrite } from './paths';
import type { PathProfile } from './profile';

export const MIN_THROUGHPUT_RATIO = 0.5;
export const MAX_BYTES_RATIO = 1.2;

/** What each path measures, as printed under the table. */
export const PATH_NOTES: Readonly<Record<WritePath | 'baseline', string>> = {
  library:
    'FeatureStore.write in the bench process: validation and encoding, then one EVALSHA of write-rows-n.lua per 100 rows, ' +
    'pipelined, batch after batch. The closest comparison to "the atomic ordered write": the target is judged on it.',
  loader:
    '`ingestor load --view user_features <file>`: the loader\'s own rows/s (file parsing included, process start ' +
    'excluded; the whole process\'s wall time is in the JSON). Same write path as the library.',
  push:
    'POST /v1/push/user_features end to end: HTTP, JSON parsing, API key check, Nest validation and the same write. ' +
    'Includes HTTP and JSON, so it is no like-for-like comparison with a plain HSET (bodies serialised before the clock).',
  stream:
    '`ingestor consume`: rows applied per second (XREADGROUP, JSON parsing, the write, XACK, 500 entries a batch), from ' +
    'the creation of its group to lag 0 and pending 0; the XADD of the rows beforehand is timed apart.',
  baseline:
    '`HSET user:<id>:features` with the five values, pipelined with the same batch size and number of ' +
    'batches in flight as the path it follows, from the bench process; no script, no event time, no index set.',
};

/** One measured run of a path or of its baseline. */
export type WriteRun = TimedWrite & {
  readonly path: WritePath;
  readonly kind: 'path' | 'baseline';
  readonly round: number;
  readonly usedMemory: { readonly before: number; readonly after: number; readonly delta: number };
  readonly memory: MemorySample | undefined;
};

/** A path as it ran: how it writes and its baseline's batching. */
export interface PathPlan {
  readonly name: WritePath;
  readonly what: string;
  readonly batch: number;
  readonly inFlight: number;
}

export interface RoundRatio {
  readonly round: number;
  readonly rowsPerS: number;
  readonly baselineRowsPerS: number | null;
  readonly ratio: number | null;
  readonly cpuRatio: number | null;
}

export interface PathSummary {
  readonly path: WritePath;
  readonly what: string;
  readonly batch: number;
  readonly inFlight: number;
  readonly rounds: readonly RoundRatio[];
  readonly rowsPerS: number | null;
  readonly baselineRowsPerS: number | null;
  readonly ratio: number | null;
  readonly cpuRatio: number | null;
  readonly cpuUsPerRow: { readonly writer: number | null; readonly redis: number | null };
  readonly baselineCpuUsPerRow: { readonly writer: number | null; readonly redis: number | null };
  readonly wallRowsPerS?: number | null;
  readonly xaddRowsPerS?: number | null;
  readonly startupSeconds?: number | null;
  readonly failedRequests?: number;
}

export interface MemorySummary {
  readonly path: WritePath;
  readonly sampled: number;
  readonly rows: number;
  readonly store: {
    readonly hashBytes: number | null;
    readonly indexBytesPerEntity: number | null;
    readonly usedMemoryPer100k: number | null;
    readonly fieldsPerHash: number;
    readonly hashEncoding: string;
    readonly indexEncoding: string | null;
    readonly withIndexBytes: number | null;
  };
  readonly plain: {
    readonly hashBytes: number | null;
    readonly usedMemoryPer100k: number | null;
    readonly fieldsPerHash: number;
    readonly hashEncoding: string;
  };
  readonly ratios: {
    readonly hashOnly: number | null;
    readonly withIndex: number | null;
    readonly usedMemory: number | null;
    readonly vsPrototypeLayout: number | null;
  };
}

export interface WriteVerdict {
  readonly what: string;
  /** false: printed for information, not a target. */
  readonly judged: boolean;
  readonly actual: number | null;
  readonly limit: number;
  readonly pass: boolean;
  readonly text: string;
}

const ratioOf = (a: number | null | undefined, b: number | null | undefined) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null);
const sum = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
/** CPU µs per row of the writer and Redis together, or null when either is unknown. */
const cpuSum = (run: WriteRun | undefined) => (run ? sum(run.cpuUsPerRow.writer, run.cpuUsPerRow.redis) : null);

/** One summary per path of `plans`, in the order they ran. */
export function summariseWrites(runs: readonly WriteRun[], plans: readonly PathPlan[]): PathSummary[] {
  return plans.map(({ name, what, batch, inFlight }) => {
    const own = runs.filter((run) => run.path === name && run.kind === 'path');
    const base = runs.filter((run) => run.path === name && run.kind === 'baseline');
    const rounds = own.map((run) => {
      const baseline = base.find((other) => other.round === run.round);
      return {
        round: run.round,
        rowsPerS: run.rowsPerS,
        baselineRowsPerS: baseline?.rowsPerS ?? null,
        ratio: ratioOf(run.rowsPerS, baseline?.rowsPerS),
        cpuRatio: ratioOf(cpuSum(baseline), cpuSum(run)),
      };
    });
    const cpu = (list: readonly WriteRun[], side: 'writer' | 'redis') => median(list.map((run) => run.cpuUsPerRow[side]));
    return {
      path: name,
      what,
      batch,
      inFlight,
      rounds,
      rowsPerS: median(own.map((run) => run.rowsPerS)),
      baselineRowsPerS: median(base.map((run) => run.rowsPerS)),
      ratio: median(rounds.map((round) => round.ratio)),
      cpuRatio: median(rounds.map((round) => round.cpuRatio)),
      cpuUsPerRow: { writer: cpu(own, 'writer'), redis: cpu(own, 'redis') },
      baselineCpuUsPerRow: { writer: cpu(base, 'writer'), redis: cpu(base, 'redis') },
      ...(name === 'loader' ? { wallRowsPerS: median(own.map((run) => run.wallRowsPerS)) } : {}),
      ...(name === 'stream'
        ? { xaddRowsPerS: median(own.map((run) => run.xaddRowsPerS)), startupSeconds: median(own.map((run) => run.startupSeconds)) }
        : {}),
      ...(name === 'push' ? { failedRequests: own.reduce((total, run) => total + (run.failedRequests ?? 0), 0) } : {}),
    };
  });
}

/** Bytes per entity of the path that wrote with the store (`memoryPath`) against its plain-HSET baseline. */
export function summariseMemory(runs: readonly WriteRun[], memoryPath: WritePath): MemorySummary | null {
  const sampled = (kind: WriteRun['kind']) =>
    runs.flatMap((run) => (run.path === memoryPath && run.kind === kind && run.memory ? [{ ...run, memory: run.memory }] : []));
  const own = sampled('path');
  const base = sampled('baseline');
  if (own.length === 0 || base.length === 0) return null;
  const per100k = (run: WriteRun) => (run.usedMemory.delta * 100_000) / run.rows;
  const hashBytes = median(own.map((run) => run.memory.hashBytes));
  const indexBytesPerEntity = median(own.map((run) => run.memory.indexBytesPerEntity));
  const store = {
    hashBytes,
    indexBytesPerEntity,
    usedMemoryPer100k: median(own.map(per100k)),
    fieldsPerHash: own[0].memory.fieldsPerHash,
    hashEncoding: own[0].memory.hashEncoding,
    indexEncoding: own[0].memory.indexEncoding,
    withIndexBytes: sum(hashBytes, indexBytesPerEntity),
  };
  const plain = {
    hashBytes: median(base.map((run) => run.memory.hashBytes)),
    usedMemoryPer100k: median(base.map(per100k)),
    fieldsPerHash: base[0].memory.fieldsPerHash,
    hashEncoding: base[0].memory.hashEncoding,
  };
  return {
    path: memoryPath,
    sampled: own[0].memory.sampled,
    rows: own[0].rows,
    store,
    plain,
    ratios: {
      hashOnly: ratioOf(store.hashBytes, plain.hashBytes),
      withIndex: ratioOf(store.withIndexBytes, plain.hashBytes),
      usedMemory: ratioOf(store.usedMemoryPer100k, plain.usedMemoryPer100k),
      // The prototype's own layout also kept all_users: the same ids, so the same set.
      vsPrototypeLayout: ratioOf(store.withIndexBytes, sum(plain.hashBytes, store.indexBytesPerEntity)),
    },
  };
}

/** Three decimals: a verdict must not print 0.50x for a FAIL at 0.497. */
const fmtVerdictRatio = (value: number | null) => fmtRatio(value, 3);

export function judgeWrites(summary: readonly PathSummary[], memory: MemorySummary | null): WriteVerdict[] {
  const verdicts: WriteVerdict[] = summary.map((entry) => ({
    what: `${entry.path} rows/s vs plain HSET`,
    judged: entry.path === 'library',
    actual: entry.ratio,
    limit: MIN_THROUGHPUT_RATIO,
    pass: entry.ratio !== null && entry.ratio >= MIN_THROUGHPUT_RATIO,
    text: `${fmtVerdictRatio(entry.ratio)} (target >= ${MIN_THROUGHPUT_RATIO}x; by CPU per row ${fmtRatio(entry.cpuRatio)})${entry.path === 'library' ? ' <- the atomic ordered write' : ''}${
      entry.path === 'push' ? ' (includes HTTP and JSON)' : ''
    }`,
  }));
  if (memory) {
    const atMost = (actual: number | null) => actual !== null && actual <= MAX_BYTES_RATIO;
    verdicts.push({
      what: 'bytes per entity vs plain HSET, all_users share counted on the store side only',
      judged: false,
      actual: memory.ratios.withIndex,
      limit: MAX_BYTES_RATIO,
      pass: atMost(memory.ratios.withIndex),
      text: `${fmtRatio(memory.ratios.withIndex)} (for information: the contract's index set alone is about 30% of a bare hash)`,
    });
    verdicts.push({
      what: 'bytes per entity vs plain HSET, hash only (all_users left out)',
      judged: false,
      actual: memory.ratios.hashOnly,
      limit: MAX_BYTES_RATIO,
      pass: atMost(memory.ratios.hashOnly),
      text: `${fmtRatio(memory.ratios.hashOnly)} (for information: the index set is part of the contract)`,
    });
    verdicts.push({
      what: "bytes per entity vs plain HSET of the same values, like for like (both with the contract's all_users set: the prototype's layout)",
      judged: true,
      actual: memory.ratios.vsPrototypeLayout,
      limit: MAX_BYTES_RATIO,
      pass: atMost(memory.ratios.vsPrototypeLayout),
      text: `${fmtVerdictRatio(memory.ratios.vsPrototypeLayout)} (target <= ${MAX_BYTES_RATIO}x; the difference is the event-time field)`,
    });
  }
  return verdicts;
}

const fmtUs = (value: number | null) => fmtFixed(value, 1);
const fmtBytes = (value: number | null) => fmtFixed(value, 1);

function throughputRows(summary: readonly PathSummary[], rounds: readonly number[]): string[][] {
  const header = ['path', 'batch x in flight', ...rounds.map((round) => `round ${round}`), 'median rows/s', 'writer CPU µs/row', 'Redis CPU µs/row', 'path/HSET by round', 'median path/HSET', 'by CPU/row'];
  const body = summary.flatMap((entry) => {
    const byRound = (key: 'rowsPerS' | 'baselineRowsPerS') => rounds.map((round) => fmtCount(entry.rounds.find((r) => r.round === round)?.[key]));
    return [
      [
        entry.path,
        `${entry.batch} x ${entry.inFlight}`,
        ...byRound('rowsPerS'),
        fmtCount(entry.rowsPerS),
        fmtUs(entry.cpuUsPerRow.writer),
        fmtUs(entry.cpuUsPerRow.redis),
        entry.rounds.map((round) => fmtRatio(round.ratio)).join(' '),
        fmtRatio(entry.ratio),
        fmtRatio(entry.cpuRatio),
      ],
      [
        '  plain HSET',
        `${entry.batch} x ${entry.inFlight}`,
        ...byRound('baselineRowsPerS'),
        fmtCount(entry.baselineRowsPerS),
        fmtUs(entry.baselineCpuUsPerRow.writer),
        fmtUs(entry.baselineCpuUsPerRow.redis),
        '',
        '',
        '',
      ],
    ];
  });
  return [header, ...body];
}

function memoryRows({ path, store, plain, ratios }: MemorySummary): string[][] {
  const per = (value: number | null, divisor: number, digits: number) => fmtFixed(value === null ? null : value / divisor, digits);
  return [
    ['bytes per entity', `store (${path})`, 'plain HSET', 'store/plain'],
    ['hash (MEMORY USAGE, mean)', fmtBytes(store.hashBytes), fmtBytes(plain.hashBytes), fmtRatio(ratios.hashOnly)],
    ['all_users share (MEMORY USAGE / ids)', fmtBytes(store.indexBytesPerEntity), '-', ''],
    ['hash + all_users share', fmtBytes(store.withIndexBytes), fmtBytes(plain.hashBytes), fmtRatio(ratios.withIndex)],
    ['  vs plain HSET + the same all_users', fmtBytes(store.withIndexBytes), fmtBytes(sum(plain.hashBytes, store.indexBytesPerEntity)), fmtRatio(ratios.vsPrototypeLayout)],
    ['used_memory delta / entity', per(store.usedMemoryPer100k, 100_000, 1), per(plain.usedMemoryPer100k, 100_000, 1), fmtRatio(ratios.usedMemory)],
    ['used_memory delta / 100k entities (MB)', per(store.usedMemoryPer100k, 1e6, 2), per(plain.usedMemoryPer100k, 1e6, 2), ''],
    ['fields per hash, encoding', `${store.fieldsPerHash}, ${store.hashEncoding}`, `${plain.fieldsPerHash}, ${plain.hashEncoding}`, ''],
  ];
}

const verdictText = (v: WriteVerdict) => `${verdictLine(v.pass, `${v.what}: ${v.text}`)}${v.judged ? '' : ' [informative]'}`;

function extrasLines(summary: readonly PathSummary[]): string[] {
  const lines: string[] = [];
  for (const entry of summary) {
    if (entry.path === 'loader') lines.push(`loader: ${fmtCount(entry.wallRowsPerS)} rows/s over the whole process (Nest start-up included)`);
    if (entry.path === 'stream') {
      lines.push(
        `stream: XADD of the rows beforehand at ${fmtCount(entry.xaddRowsPerS)} rows/s (not counted); consumer start-up ${entry.startupSeconds?.toFixed(2)} s (not counted)`,
      );
    }
    if (entry.path === 'push' && (entry.failedRequests ?? 0) > 0) lines.push(`push: ${entry.failedRequests} request(s) failed (see the JSON)`);
  }
  return lines;
}

export interface WriteMeta {
  readonly startedAt: string;
  readonly rows: number;
  readonly rounds: number;
  readonly batch: number;
  readonly pushConcurrency: number;
  readonly apiCommandTimeoutMs: number;
  readonly loaderFormat: string;
  readonly streamBatch: number;
  readonly cpus: number;
  readonly node: string;
  readonly redisVersion: string;
  readonly commit: string;
  readonly loadAverage: { readonly start: readonly string[]; readonly end: readonly string[] };
}

export interface WriteReport {
  readonly meta: WriteMeta;
  readonly summary: readonly PathSummary[];
  readonly memory: MemorySummary | null;
  readonly verdicts: readonly WriteVerdict[];
  readonly warnings: readonly string[];
  readonly notes: Readonly<Record<string, string>>;
  readonly cpuProfiles: Readonly<Record<string, PathProfile>> | null;
  readonly runs: readonly WriteRun[];
}

const roundNumbers = (meta: WriteMeta) => Array.from({ length: meta.rounds }, (_, index) => index + 1);

export function consoleReport({ meta, summary, memory, verdicts }: WriteReport): string {
  return [
    `Write throughput, rows/s: ${meta.rows.toLocaleString('en-US')} rows per run, each path then its plain-HSET baseline, ${meta.rounds} round(s)`,
    textTable(throughputRows(summary, roundNumbers(meta)), 2),
    'by CPU/row: baseline (writer + Redis) CPU per row / the path\'s, median of rounds: the ratio to expect when both are CPU-bound',
    ...extrasLines(summary),
    '',
    ...(memory ? [`Bytes per entity: ${memory.sampled} hashes sampled of ${memory.rows.toLocaleString('en-US')}`, textTable(memoryRows(memory), 1), ''] : []),
    verdicts.map(verdictText).join('\n'),
  ].join('\n');
}

function profileSection(cpuProfiles: WriteReport['cpuProfiles']): string[] {
  if (!cpuProfiles) return [];
  return [
    '## CPU profiles',
    '',
    ...Object.entries(cpuProfiles).flatMap(([name, profile]) => [
      `${name}, ${fmtCount(profile.rowsPerS)} rows/s while profiled (\`${profile.path}\`): self time by package`,
      '',
      ...profile.byPackage.slice(0, 8).map(({ area, share }) => `- ${(share * 100).toFixed(1)}% ${area}`),
      '',
    ]),
  ];
}

export function writeMarkdown({ meta, summary, memory, verdicts, warnings, cpuProfiles }: WriteReport): string {
  return [
    `# Write bench, ${meta.startedAt}`,
    '',
    `${meta.rows.toLocaleString('en-US')} rows of \`user_features\` per run, into an emptied Redis (FLUSHDB); ${meta.rounds} round(s), ` +
      'each running every path and then its plain-HSET baseline (A B A B ...). Figures are medians over rounds; ratios are ' +
      'medians of per-round path/baseline ratios. CPU µs/row: user + system CPU (/proc) of the process that wrote and of redis-server. ' +
      '"by CPU/row": the baseline\'s (writer + Redis) CPU per row over the path\'s, per round, median: the throughput ratio to expect ' +
      'when both are CPU-bound, steadier than rows/s on a shared machine.',
    `Machine: ${meta.cpus} CPU(s), load average ${meta.loadAverage.start.join(' / ')} at start, ${meta.loadAverage.end.join(' / ')} at end; ` +
      `Node ${meta.node}; Redis ${meta.redisVersion}; commit ${meta.commit}.`,
    '',
    '## Throughput',
    '',
    markdownTable(throughputRows(summary, roundNumbers(meta))),
    '',
    ...extrasLines(summary).map((line) => `- ${line}`),
    '',
    ...summary.map((entry) => `- **${entry.path}**: ${PATH_NOTES[entry.path]}`),
    `- **plain HSET**: ${PATH_NOTES.baseline}`,
    '',
    ...(memory
      ? [
          '## Bytes per entity',
          '',
          `MEMORY USAGE (SAMPLES 0) of ${memory.sampled} hashes spread over the ${memory.rows.toLocaleString('en-US')} written by the ` +
            `${memory.path} path and by its baseline; the index set \`all_users\` (${memory.store.indexEncoding}), which the seed ` +
            'contract requires (the prototype had it too), is shared out per id. The target is judged like for like: ' +
            'the store against the prototype\'s layout, a plain HSET of the same values plus the same set.',
          '',
          markdownTable(memoryRows(memory)),
          '',
        ]
      : []),
    '## Targets',
    '',
    ...verdicts.map((v) => markdownVerdict(verdictText(v))),
    ...(warnings.length ? ['', '## Warnings', '', ...warnings.map((w) => `- ${w}`)] : []),
    '',
    ...profileSection(cpuProfiles),
  ].join('\n');
}
