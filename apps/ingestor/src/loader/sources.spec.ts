import { Registry, type WriteRow, toEpochMs } from '@feature-store/core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetColumn, writeParquet } from '../testing/parquet-files';
import type { FileFormat } from './load-inputs';
import { openSource } from './open-source';
import type { ViewTarget } from './view-columns';

// Reading is the same in every time zone: times without an offset are UTC. time-zones.spec.ts
// runs this file again under non-UTC zones.
const registry = Registry.fromObject({
  entities: { user: {} },
  views: { profile: { entity: 'user', features: { age: 'int', seen: 'timestamp', embedding: 'float_vector' } } },
});
const view = registry.view('profile');
const target: ViewTarget = { view, space: registry.keySpace(view.entity), eventTimeColumn: undefined };
const RECEIVED = 42;
const NEW_YEAR = Date.UTC(2026, 0, 1);

const dir = mkdtempSync(join(tmpdir(), 'sources-'));
async function rowsOf(name: string, format: FileFormat, write: (path: string) => void) {
  const path = join(dir, name);
  write(path);
  const rows: (WriteRow | string)[] = [];
  for await (const record of (await openSource({ path, format }, target, 1 << 20)).records(RECEIVED, null)) {
    rows.push('row' in record ? record.row : `${record.line}: ${'reason' in record ? record.reason : record.skipped}`);
  }
  return rows;
}
/** Event times and timestamp features as the store takes them (epoch ms). */
const times = (rows: (WriteRow | string)[]) =>
  rows.map((row) => {
    if (typeof row === 'string') return row;
    const seen = row.features['seen'];
    return [toEpochMs(row.eventTime), seen === undefined || seen === null ? seen : toEpochMs(seen)];
  });

describe('files are read in UTC whatever the time zone', () => {
  it('CSV: times without an offset, with one, and in epoch ms', async () => {
    const rows = await rowsOf('times.csv', 'csv', (path) =>
      writeFileSync(
        path,
        [
          'user_id,event_ts,seen',
          'u1,2026-01-01T00:00:00,2026-01-01 00:00:00',
          'u2,2026-01-01 05:30:00+05:30,2026-01-01T00:00:00Z',
          `u3,${NEW_YEAR},${NEW_YEAR}`,
          'u4,,',
        ].join('\n'),
      ),
    );
    expect(times(rows)).toEqual([[NEW_YEAR, NEW_YEAR], [NEW_YEAR, NEW_YEAR], [NEW_YEAR, NEW_YEAR], [RECEIVED, undefined]]);
  });

  it('JSON Lines: the same, a null event time being the time of receipt', async () => {
    const rows = await rowsOf('times.jsonl', 'jsonl', (path) =>
      writeFileSync(
        path,
        [
          '{"id":"u1","event_ts":"2026-01-01T00:00:00","features":{"seen":"2026-01-01 00:00:00"}}',
          '{"user_id":"u2","event_timestamp":"2025-12-31T19:00:00-05:00","features":{"seen":1767225600000}}',
          '{"id":"u3","event_ts":null,"features":{}}',
        ].join('\n'),
      ),
    );
    expect(times(rows)).toEqual([[NEW_YEAR, NEW_YEAR], [NEW_YEAR, NEW_YEAR], [RECEIVED, undefined]]);
  });

  it('Parquet: timestamps of every unit, adjusted to UTC or wall-clock, and dates', async () => {
    const ms = BigInt(NEW_YEAR);
    const rows = await rowsOf('times.parquet', 'parquet', (path) =>
      writeParquet(path, [
        parquetColumn.string('user_id', ['u1', 'u2', 'u3', 'u4']),
        parquetColumn.timestamp('event_timestamp', [ms * 1_000_000n + 999_999n, ms * 1_000_000n, ms * 1_000_000n, null], 'NANOS', false),
        parquetColumn.timestamp('seen', [ms * 1_000n + 999n, ms * 1_000n, null, ms * 1_000n], 'MICROS', false),
      ]),
    );
    expect(times(rows)).toEqual([[NEW_YEAR, NEW_YEAR], [NEW_YEAR, NEW_YEAR], [NEW_YEAR, null], [RECEIVED, NEW_YEAR]]);
    const dates = await rowsOf('dates.parquet', 'parquet', (path) =>
      writeParquet(path, [parquetColumn.string('id', ['u1']), parquetColumn.date('event_timestamp', [NEW_YEAR / 86_400_000])]),
    );
    expect(times(dates)).toEqual([[NEW_YEAR, undefined]]);
  });
});
