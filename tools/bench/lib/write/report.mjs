// Turns the runs of the write bench into per-path medians, path/baseline ratios, bytes per entity
// and target verdicts, and writes them as a console table, JSON and Markdown.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../stats.mjs';

export const MIN_THROUGHPUT_RATIO = 0.5;
export const MAX_BYTES_RATIO = 1.2;

/** What each path measures, as printed under the table. */
export const PATH_NOTES = {
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

const ratioOf = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null);
/** CPU µs per row of the writer and Redis together, or null when either is unknown. */
const cpuSum = (run) => {
  const { writer, redis } = run?.cpuUsPerRow ?? {};
  return typeof writer === 'number' && typeof redis === 'number' ? writer + redis : null;
};

/**
 * @param runs [{ path, kind: 'path' | 'baseline', round, rowsPerS, cpuUsPerRow, usedMemory, memory?, ... }]
 * @param plans [{ name, what, batch, inFlight }] in the order they ran
 */
export function summariseWrites(runs, plans) {
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
    const cpu = (list, side) => median(list.map((run) => run.cpuUsPerRow?.[side]));
    const extra = {};
    if (name === 'loader') extra.wallRowsPerS = median(own.map((run) => run.wallRowsPerS));
    if (name === 'stream') {
      extra.xaddRowsPerS = median(own.map((run) => run.xaddRowsPerS));
      extra.startupSeconds = median(own.map((run) => run.startupSeconds));
    }
    if (name === 'push') extra.failedRequests = own.reduce((sum, run) => sum + run.failedRequests, 0);
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
      ...extra,
    };
  });
}

/** Bytes per entity of the path that wrote with the store (`memoryPath`) against its plain-HSET baseline. */
export function summariseMemory(runs, memoryPath) {
  const own = runs.filter((run) => run.path === memoryPath && run.kind === 'path' && run.memory);
  const base = runs.filter((run) => run.path === memoryPath && run.kind === 'baseline' && run.memory);
  if (own.length === 0 || base.length === 0) return null;
  const per100k = (run) => (run.usedMemory.delta * 100_000) / run.rows;
  const store = {
    hashBytes: median(own.map((run) => run.memory.hashBytes)),
    indexBytesPerEntity: median(own.map((run) => run.memory.indexBytesPerEntity)),
    usedMemoryPer100k: median(own.map(per100k)),
    fieldsPerHash: own[0].memory.fieldsPerHash,
    hashEncoding: own[0].memory.hashEncoding,
    indexEncoding: own[0].memory.indexEncoding,
  };
  store.withIndexBytes = store.hashBytes + store.indexBytesPerEntity;
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
      vsPrototypeLayout: ratioOf(store.withIndexBytes, plain.hashBytes + store.indexBytesPerEntity),
    },
  };
}

export function judgeWrites(summary, memory) {
  const verdicts = summary.map((entry) => ({
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
    verdicts.push({
      what: 'bytes per entity vs plain HSET, all_users share counted on the store side only',
      judged: false,
      actual: memory.ratios.withIndex,
      limit: MAX_BYTES_RATIO,
      pass: memory.ratios.withIndex !== null && memory.ratios.withIndex <= MAX_BYTES_RATIO,
      text: `${fmtRatio(memory.ratios.withIndex)} (for information: the contract's index set alone is about 30% of a bare hash)`,
    });
    verdicts.push({
      what: 'bytes per entity vs plain HSET, hash only (all_users left out)',
      judged: false,
      actual: memory.ratios.hashOnly,
      limit: MAX_BYTES_RATIO,
      pass: memory.ratios.hashOnly !== null && memory.ratios.hashOnly <= MAX_BYTES_RATIO,
      text: `${fmtRatio(memory.ratios.hashOnly)} (for information: the index set is part of the contract)`,
    });
    verdicts.push({
      what: "bytes per entity vs plain HSET of the same values, like for like (both with the contract's all_users set: the prototype's layout)",
      judged: true,
      actual: memory.ratios.vsPrototypeLayout,
      limit: MAX_BYTES_RATIO,
      pass: memory.ratios.vsPrototypeLayout !== null && memory.ratios.vsPrototypeLayout <= MAX_BYTES_RATIO,
      text: `${fmtVerdictRatio(memory.ratios.vsPrototypeLayout)} (target <= ${MAX_BYTES_RATIO}x; the difference is the event-time field)`,
    });
  }
  return verdicts;
}

const fmtRows = (value) => (typeof value === 'number' ? Math.round(value).toLocaleString('en-US') : '-');
const fmtUs = (value) => (typeof value === 'number' ? value.toFixed(1) : '-');
const fmtRatio = (value) => (typeof value === 'number' ? `${value.toFixed(2)}x` : '-');
/** Three decimals: a verdict must not print 0.50x for a FAIL at 0.497. */
const fmtVerdictRatio = (value) => (typeof value === 'number' ? `${value.toFixed(3)}x` : '-');
const fmtBytes = (value) => (typeof value === 'number' ? value.toFixed(1) : '-');

function throughputRows(summary, rounds) {
  const header = ['path', 'batch x in flight', ...rounds.map((round) => `round ${round}`), 'median rows/s', 'writer CPU µs/row', 'Redis CPU µs/row', 'path/HSET by round', 'median path/HSET', 'by CPU/row'];
  const body = summary.flatMap((entry) => {
    const byRound = (key) => rounds.map((round) => fmtRows(entry.rounds.find((r) => r.round === round)?.[key]));
    return [
      [
        entry.path,
        `${entry.batch} x ${entry.inFlight}`,
        ...byRound('rowsPerS'),
        fmtRows(entry.rowsPerS),
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
        fmtRows(entry.baselineRowsPerS),
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

function memoryRows(memory) {
  const { store, plain, ratios } = memory;
  return [
    ['bytes per entity', `store (${memory.path})`, 'plain HSET', 'store/plain'],
    ['hash (MEMORY USAGE, mean)', fmtBytes(store.hashBytes), fmtBytes(plain.hashBytes), fmtRatio(ratios.hashOnly)],
    ['all_users share (MEMORY USAGE / ids)', fmtBytes(store.indexBytesPerEntity), '-', ''],
    ['hash + all_users share', fmtBytes(store.withIndexBytes), fmtBytes(plain.hashBytes), fmtRatio(ratios.withIndex)],
    ['  vs plain HSET + the same all_users', fmtBytes(store.withIndexBytes), fmtBytes(plain.hashBytes + store.indexBytesPerEntity), fmtRatio(ratios.vsPrototypeLayout)],
    ['used_memory delta / entity', fmtBytes(store.usedMemoryPer100k / 100_000), fmtBytes(plain.usedMemoryPer100k / 100_000), fmtRatio(ratios.usedMemory)],
    ['used_memory delta / 100k entities (MB)', (store.usedMemoryPer100k / 1e6).toFixed(2), (plain.usedMemoryPer100k / 1e6).toFixed(2), ''],
    ['fields per hash, encoding', `${store.fieldsPerHash}, ${store.hashEncoding}`, `${plain.fieldsPerHash}, ${plain.hashEncoding}`, ''],
  ];
}

function textTable(rows, leftColumns) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  const line = (row) => row.map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(rows[0]), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const markdownTable = (rows) => [rows[0], rows[0].map(() => '---'), ...rows.slice(1)].map((row) => `| ${row.join(' | ')} |`).join('\n');

const verdictText = (v) => `${v.pass ? 'PASS' : 'FAIL'}  ${v.what}: ${v.text}${v.judged ? '' : ' [informative]'}`;

function extrasLines(summary) {
  const lines = [];
  for (const entry of summary) {
    if (entry.path === 'loader') lines.push(`loader: ${fmtRows(entry.wallRowsPerS)} rows/s over the whole process (Nest start-up included)`);
    if (entry.path === 'stream') {
      lines.push(
        `stream: XADD of the rows beforehand at ${fmtRows(entry.xaddRowsPerS)} rows/s (not counted); consumer start-up ${entry.startupSeconds?.toFixed(2)} s (not counted)`,
      );
    }
    if (entry.path === 'push' && entry.failedRequests > 0) lines.push(`push: ${entry.failedRequests} request(s) failed (see the JSON)`);
  }
  return lines;
}

export function consoleReport({ meta, summary, memory, verdicts }) {
  const rounds = Array.from({ length: meta.rounds }, (_, index) => index + 1);
  return [
    `Write throughput, rows/s: ${meta.rows.toLocaleString('en-US')} rows per run, each path then its plain-HSET baseline, ${meta.rounds} round(s)`,
    textTable(throughputRows(summary, rounds), 2),
    'by CPU/row: baseline (writer + Redis) CPU per row / the path\'s, median of rounds: the ratio to expect when both are CPU-bound',
    ...extrasLines(summary),
    '',
    ...(memory ? [`Bytes per entity: ${memory.sampled} hashes sampled of ${memory.rows.toLocaleString('en-US')}`, textTable(memoryRows(memory), 1), ''] : []),
    verdicts.map(verdictText).join('\n'),
  ].join('\n');
}

function profileSection(cpuProfiles) {
  if (!cpuProfiles) return [];
  return [
    '## CPU profiles',
    '',
    ...Object.entries(cpuProfiles).flatMap(([name, profile]) => [
      `${name}, ${fmtRows(profile.rowsPerS)} rows/s while profiled (\`${profile.path}\`): self time by package`,
      '',
      ...profile.byPackage.slice(0, 8).map(({ area, share }) => `- ${(share * 100).toFixed(1)}% ${area}`),
      '',
    ]),
  ];
}

function markdown({ meta, summary, memory, verdicts, warnings, cpuProfiles }) {
  const rounds = Array.from({ length: meta.rounds }, (_, index) => index + 1);
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
    markdownTable(throughputRows(summary, rounds)),
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
    ...verdicts.map((v) => `- ${verdictText(v).replace(/^(PASS|FAIL)/, '**$1**')}`),
    ...(warnings.length ? ['', '## Warnings', '', ...warnings.map((w) => `- ${w}`)] : []),
    '',
    ...profileSection(cpuProfiles),
  ].join('\n');
}

/** Writes write-<stamp>.json/.md and write-latest.json/.md under `dir`; returns the paths written. */
export function writeWriteReport(dir, report) {
  mkdirSync(dir, { recursive: true });
  const stamp = report.meta.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const md = markdown(report);
  const paths = [join(dir, `write-${stamp}.json`), join(dir, `write-${stamp}.md`), join(dir, 'write-latest.json'), join(dir, 'write-latest.md')];
  writeFileSync(paths[0], json);
  writeFileSync(paths[1], md);
  writeFileSync(paths[2], json);
  writeFileSync(paths[3], md);
  return paths;
}
