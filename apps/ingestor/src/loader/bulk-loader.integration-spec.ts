import { FeatureStore, type RedisClient, Registry, createRedisClient } from '@feature-store/core';
import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetColumn, writeParquet } from '../testing/parquet-files';
import { BulkLoader, type LoadOptions } from './bulk-loader.service';
import { LoadFileError } from './source-record';

const ROOT = join(__dirname, '../../../..');
const registry = Registry.fromObject({
  entities: { user: {} },
  views: {
    profile: {
      entity: 'user',
      features: { age: 'int', score: 'float', vip: 'bool', seen: 'timestamp', embedding: 'float_vector', city: 'string' },
    },
  },
});
const feast = Registry.fromFile(join(ROOT, 'registry/examples/feast-driver.yaml'));
const DAY = Date.UTC(2026, 0, 1);

describe('BulkLoader on a real Redis', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let store: FeatureStore;
  let drivers: FeatureStore;
  const namespace = uniqueNamespace('loader');
  const dir = mkdtempSync(join(tmpdir(), 'loader-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    return path;
  };
  const options: LoadOptions = { batchSize: 2, maxRecordBytes: 1 << 20 };
  const load = (paths: string | string[], view: string, more: Partial<LoadOptions> = {}, target = store) =>
    new BulkLoader(target).load(typeof paths === 'string' ? [paths] : paths, view, { ...options, ...more });

  beforeAll(async () => {
    server = await redisForTests();
    redis = createRedisClient(server.target);
    store = new FeatureStore(redis, { registry, namespace });
    drivers = new FeatureStore(redis, { registry: feast, namespace: `${namespace}feast:` });
  });

  afterAll(async () => {
    await deleteNamespace(redis, namespace);
    await redis.quit();
    await server.stop();
  });

  it('loads a CSV with typed cells, counting stale and rejected rows with their reasons', async () => {
    const path = file(
      'users.csv',
      [
        'id,event_ts,age,score,vip,seen,embedding,city',
        'c1,100,34,0.5,true,2025-11-27T00:00:00Z,"[1,2]",Paris',
        'c2,100,41,,0,1764201600000,,"Saint-Denis, Réunion"',
        'c1,50,99,9,false,1,[0],Old',
        'c3,100,forty,1,true,1,[1],X',
        'c4,100,1',
        'bad id,100,1,1,true,1,[1],X',
      ].join('\n'),
    );
    const progress: number[] = [];
    const summary = await load(path, 'profile', { onProgress: (p) => progress.push(p.read) });
    expect(summary).toMatchObject({ read: 6, written: 2, stale: 1, rejected: 3, files: 1, filesTotal: 1 });
    expect(summary.reasons).toEqual([
      { reason: 'Feature "age" (int): expected an integer', count: 1, file: path, format: 'csv', line: 5 },
      { reason: 'expected 8 cells, got 3', count: 1, file: path, format: 'csv', line: 6 },
      expect.objectContaining({ line: 7, reason: expect.stringContaining('Invalid user id "bad id"') }),
    ]);
    expect(progress.length).toBeGreaterThan(1);
    await expect(store.loaded('profile')).resolves.toEqual({ written: 2, stale: 1, rejected: 3 });
    await expect(store.getMany('user', ['c1', 'c2', 'c3'])).resolves.toEqual([
      expect.objectContaining({
        features: { age: 34, score: 0.5, vip: true, seen: '2025-11-27T00:00:00.000Z', embedding: [1, 2], city: 'Paris' },
      }),
      expect.objectContaining({
        features: { age: 41, score: null, vip: false, seen: '2025-11-27T00:00:00.000Z', embedding: null, city: 'Saint-Denis, Réunion' },
      }),
      null,
    ]);
  });

  it('rejects a CSV record with a stray quote by its line and loads the rows around it', async () => {
    const path = file('stray.csv', ['user_id,event_ts,age', 's1,1,1', 's2,1,"2', 's3,1,3', 's4,1,4"x', 's5,1,5'].join('\r\n'));
    const summary = await load(path, 'profile');
    expect(summary).toMatchObject({ read: 5, written: 3, rejected: 2 });
    expect(summary.reasons).toEqual([
      expect.objectContaining({ line: 3, reason: 'text after the closing quote of cell 3' }),
      expect.objectContaining({ line: 5, reason: 'a quote inside unquoted cell 3' }),
    ]);
    const found = await store.getMany('user', ['s1', 's2', 's3', 's4', 's5']);
    expect(found.map((record) => record?.features['age'] ?? null)).toEqual([1, null, 3, null, 5]);
  });

  it('loads JSON Lines rows as push does: a byte-order mark, real line numbers, a null event time, a null feature', async () => {
    await store.write('profile', [{ id: 'j3', eventTime: 1, features: { age: 1, city: 'Lyon' } }]);
    const path = file(
      'users.jsonl',
      [
        '\uFEFF{"id": "j1", "event_ts": "2025-01-01T00:00:00Z", "features": {"age": 20, "embedding": [0.5]}}',
        '',
        '{"user_id": "j2", "event_ts": null, "features": {"age": 21}}',
        '{"id": "j3", "event_timestamp": 2, "features": {"age": 22, "city": null}}',
        '   ',
        'not json',
        '[1, 2]',
        `{"id": "j4", "features": {"city": "${'x'.repeat(300)}"}}`,
        '{"id": "j5", "features": {"age": 2.5}}',
      ].join('\n'),
    );
    const summary = await load(path, 'profile', { maxRecordBytes: 200 });
    expect(summary).toMatchObject({ read: 7, written: 3, stale: 0, rejected: 4 });
    expect(summary.reasons.map((entry) => [entry.line, entry.reason])).toEqual([
      [6, expect.stringContaining('invalid JSON')],
      [7, 'expected a JSON object {"id", "event_ts", "features"}'],
      [8, 'record longer than 200 bytes (--max-record-bytes)'],
      [9, 'Feature "age" (int): expected an integer'],
    ]);
    const [first, second, third] = await store.getMany('user', ['j1', 'j2', 'j3']);
    expect(first?.eventTimes['profile']).toBe(Date.UTC(2025, 0, 1));
    expect(second?.eventTimes['profile']).toBeGreaterThan(DAY);
    expect(third).toMatchObject({ features: expect.objectContaining({ age: 22, city: null }), eventTimes: { profile: 2 } });
  });

  it('refuses a file whose header names an unknown column before writing anything, even from files before it', async () => {
    const good = file('good.csv', 'id,age\ng1,3\n');
    const bad = file('bad-header.csv', 'id,age,height\nh1,3,180\n');
    await expect(load([good, bad], 'profile')).rejects.toThrow(new LoadFileError(`${bad}: CSV header: "height" is not a feature of view "profile"`));
    await expect(store.getMany('user', ['g1', 'h1'])).resolves.toEqual([null, null]);
  });

  it('ingestor load: exits 3 with the summary when a record is malformed, having loaded the others', async () => {
    const registryPath = file('registry.json', JSON.stringify({ entities: { user: {} }, views: { profile: { entity: 'user', features: { age: 'int' } } } }));
    const csv = file('cli.csv', 'user_id,event_ts,age\nk1,1,1\nk2,1,"2\nk3,1,3\n');
    const env = { ...process.env, ...server.env, REGISTRY_PATH: registryPath, KEY_NAMESPACE: `${namespace}cli:`, LOG_LEVEL: 'info' };
    const main = join(ROOT, 'dist/apps/ingestor/apps/ingestor/src/main.js');
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, [main, 'load', '--view', 'profile', csv], { cwd: ROOT, env }, (_error, out) => resolve({ code: child.exitCode, stdout: out }));
    });
    expect(code).toBe(3);
    expect(stdout).toContain('3 rows read, 2 written, 0 stale, 1 rejected');
    expect(stdout).toContain(`rejected 1 row(s), first at ${csv} line 3: a quoted cell is not closed by the end of the file`);
  });

  it('reads composite and integer join keys by name from CSV, JSON Lines and Parquet', async () => {
    const csv = file('trips.csv', 'driver_id,customer_id,event_timestamp,trips_together\n1001,c1,2026-01-01 00:00:00,3\n1002,c1,,4\n10x,c2,1,5\n');
    const jsonl = file('trips.jsonl', '{"driver_id": 1003, "customer_id": "c1", "features": {"trips_together": 6}}\n{"id": {"driver_id": 1004, "customer_id": "c2"}, "features": {"trips_together": 7}}\n');
    const parquet = join(dir, 'stats.parquet');
    writeParquet(parquet, [
      parquetColumn.int64('driver_id', [1001n, 1002n]),
      // driver_hourly_stats has a max_age of a day: fresh rows.
      parquetColumn.timestamp('event_timestamp', [BigInt(Date.now()) * 1_000n, BigInt(Date.now()) * 1_000n], 'MICROS'),
      parquetColumn.float('conv_rate', [0.1, null]),
      parquetColumn.double('acc_rate', [0.25, 0.5]),
      parquetColumn.int32('avg_daily_trips', [12, 40]),
      parquetColumn.string('created', ['x', 'y']),
    ]);
    const trips = await load([csv, jsonl], 'driver_customer_stats', {}, drivers);
    expect(trips).toMatchObject({ read: 5, written: 4, rejected: 1 });
    expect(trips.reasons[0]).toMatchObject({ line: 4, reason: expect.stringContaining('Invalid driver id "10x"') });
    const stats = await load(parquet, 'driver_hourly_stats', {}, drivers);
    expect(stats).toMatchObject({ read: 2, written: 2, rejected: 0, ignoredColumns: ['created'] });
    const rows = await drivers.read({
      rows: [1001, 1002, 1003, 1004].map((driver_id, i) => ({ driver_id, customer_id: i === 3 ? 'c2' : 'c1' })),
      features: ['driver_customer_stats:trips_together', 'driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate'],
    });
    expect([0, 1, 2, 3].map((row) => [rows.value(row, 0), rows.value(row, 1), rows.value(row, 2)])).toEqual([
      [3, 0.1, 0.25],
      [4, null, 0.5],
      [6, null, null],
      [7, null, null],
    ]);
  });

  it('loads Parquet of every type by row group, nulls deleting their feature', async () => {
    const rows = 2_500;
    const ids = Array.from({ length: rows }, (_, i) => `p${i}`);
    const path = join(dir, 'types.parquet');
    writeParquet(
      path,
      [
        parquetColumn.string('user_id', ids),
        parquetColumn.timestamp('event_timestamp', ids.map((_, i) => BigInt(DAY + i) * 1_000_000n), 'NANOS'),
        parquetColumn.int64('age', ids.map((_, i) => (i === 1 ? null : BigInt(i)))),
        parquetColumn.float('score', ids.map((_, i) => (i === 1 ? null : i + 0.1))),
        parquetColumn.boolean('vip', ids.map((_, i) => (i === 1 ? null : i % 2 === 0))),
        parquetColumn.timestamp('seen', ids.map((_, i) => (i === 1 ? null : BigInt(DAY))), 'MILLIS', false),
        parquetColumn.list('embedding', 'DOUBLE', ids.map((_, i) => (i === 1 ? null : [i, 0.5]))),
        parquetColumn.string('city', ids.map((_, i) => (i === 1 ? null : `c${i % 7}`))),
      ],
      1_000,
    );
    await store.write('profile', [{ id: 'p1', eventTime: 1, features: { age: 5, city: 'Lyon' } }]);
    const summary = await load(path, 'profile', { batchSize: 700 });
    expect(summary).toMatchObject({ read: rows, written: rows, stale: 0, rejected: 0, ignoredColumns: [] });
    const [first, second, last] = await store.getMany('user', ['p0', 'p1', `p${rows - 1}`]);
    expect(first).toMatchObject({
      features: { age: 0, score: 0.1, vip: true, seen: '2026-01-01T00:00:00.000Z', embedding: [0, 0.5], city: 'c0' },
      eventTimes: { profile: DAY },
    });
    expect(second?.features).toEqual({ age: null, score: null, vip: null, seen: null, embedding: null, city: null });
    expect(last?.features).toMatchObject({ age: rows - 1, score: rows - 1 + 0.1, embedding: [rows - 1, 0.5] });
  });

  it('refuses a Parquet column of the wrong type, naming it, before writing anything', async () => {
    const good = join(dir, 'w/a.parquet');
    const bad = join(dir, 'w/b.parquet');
    mkdirSync(join(dir, 'w'), { recursive: true });
    writeParquet(good, [parquetColumn.string('user_id', ['w1']), parquetColumn.int32('age', [1])]);
    writeParquet(bad, [parquetColumn.string('user_id', ['w2']), parquetColumn.double('age', [1.5])]);
    await expect(load(join(dir, 'w'), 'profile')).rejects.toThrow(
      new LoadFileError(`${bad}: column "age" is DOUBLE; feature "age" (int) takes INT32 or INT64`),
    );
    await expect(store.get('user', 'w1')).resolves.toBeNull();
  });

  it('refuses a corrupt Parquet file with a clear error', async () => {
    const path = file('corrupt.parquet', 'PAR1 this is not parquet at all');
    await expect(load(path, 'profile')).rejects.toThrow(new RegExp(`^${path}: not a readable Parquet file \\(.+\\)$`));
  });

  it('loads a partitioned folder, every *.parquet under it sorted by path, and a glob', async () => {
    const part = (name: string, id: string, age: number) => {
      mkdirSync(join(dir, 'parts', name, '..'), { recursive: true });
      writeParquet(join(dir, 'parts', name), [
        parquetColumn.string('user_id', [id]),
        parquetColumn.timestamp('event_ts', [BigInt(DAY)], 'MILLIS'),
        parquetColumn.int32('age', [age]),
      ]);
    };
    // Both partitions hold f1 at the same event time: the one loaded last wins.
    part('date=2026-01-02/part-0.parquet', 'f1', 2);
    part('date=2026-01-01/part-0.parquet', 'f1', 1);
    part('date=2026-01-01/part-1.parquet', 'f2', 1);
    file('parts/_SUCCESS', '');
    await expect(load(join(dir, 'parts'), 'profile')).resolves.toMatchObject({ read: 3, written: 3, files: 3, filesTotal: 3 });
    const [f1, f2] = await store.getMany('user', ['f1', 'f2']);
    expect([f1?.features['age'], f2?.features['age']]).toEqual([2, 1]);
    await expect(load(join(dir, 'parts/*/part-1.parquet'), 'profile')).resolves.toMatchObject({ read: 1, files: 1 });
    await expect(load(join(dir, 'parts/nothing-*.parquet'), 'profile')).rejects.toThrow('no such file, and no file matches it');
  });

  describe('incremental loads', () => {
    const rowsAt = (name: string, hours: number[], age: number) => {
      const path = join(dir, name);
      writeParquet(
        path,
        [
          parquetColumn.string('user_id', hours.map((hour) => `i${hour}`)),
          parquetColumn.timestamp('event_timestamp', hours.map((hour) => BigInt(DAY + hour * 3_600_000) * 1_000n), 'MICROS'),
          parquetColumn.int32('age', hours.map(() => age)),
        ],
        2,
      );
      return path;
    };
    const ages = async () => (await store.getMany('user', ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'])).map((record) => record?.features['age'] ?? null);
    const hour = (h: number) => DAY + h * 3_600_000;

    it('loads rows newer than the mark, advances it after the run, and a repeated run changes nothing', async () => {
      const first = rowsAt('inc-1.parquet', [0, 1, 2], 10);
      await expect(load(first, 'profile', { incremental: true })).resolves.toMatchObject({
        written: 3,
        skipped: 0,
        materialized: { before: null, after: hour(2) },
      });
      await expect(store.materialized('profile')).resolves.toBe(hour(2));
      // The same rows again, and newer ones: only the newer are read (whole row groups skipped).
      const second = rowsAt('inc-2.parquet', [0, 1, 2, 3, 4, 5], 20);
      await expect(load(second, 'profile', { incremental: true })).resolves.toMatchObject({
        read: 6,
        written: 3,
        skipped: 3,
        materialized: { before: hour(2), after: hour(5) },
      });
      expect(await ages()).toEqual([10, 10, 10, 20, 20, 20]);
      await expect(load(second, 'profile', { incremental: true })).resolves.toMatchObject({ written: 0, skipped: 6, materialized: { after: hour(5) } });
      // Without --incremental an overlapping run goes through last-write-wins: equal rows, same data.
      await expect(load(second, 'profile')).resolves.toMatchObject({ written: 6, stale: 0 });
      expect(await ages()).toEqual([20, 20, 20, 20, 20, 20]);
    });

    it('bounds a run by --start and --end, and leaves the mark when rows were rejected', async () => {
      const path = rowsAt('window.parquet', [0, 1, 2, 3, 4, 5], 30);
      await expect(load(path, 'profile', { start: hour(1), end: hour(2) })).resolves.toMatchObject({ read: 6, written: 2, skipped: 4, materialized: null });
      expect((await ages()).slice(0, 3)).toEqual([20, 30, 30]);
      const csv = file('late.csv', `user_id,event_ts,age\ni9,${hour(9)},40\ni8,${hour(8)},forty\ni7,,41\n`);
      const summary = await load(csv, 'profile', { incremental: true, end: hour(10) });
      expect(summary).toMatchObject({ written: 1, rejected: 2, materialized: { before: hour(5), after: hour(5) } });
      expect(summary.reasons.map((reason) => reason.reason)).toEqual([
        'Feature "age" (int): expected an integer',
        'no event time: a load bounded by --start, --end or --incremental needs one',
      ]);
      await expect(load(file('end.csv', `user_id,event_ts,age\ni9,${hour(9)},40\n`), 'profile', { incremental: true, end: hour(10) })).resolves.toMatchObject({
        materialized: { before: hour(5), after: hour(10) },
      });
    });
  });
});
