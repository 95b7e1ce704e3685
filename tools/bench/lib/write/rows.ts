// The rows every write path and its baseline write: the default view `user_features`, ids
// w0000000 upwards, deterministic values (seeded), distinct event times. Plus their encodings:
// a CSV or JSON Lines file for the loader, push bodies, stream entries, plain hash fields.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Registry } from '@feature-store/core';
import type { LoaderFormat } from '../options';

export const ENTITY = 'user';
export const VIEW = 'user_features';
export const FEATURES = ['age', 'gender', 'purchase_count_30d', 'avg_session_duration_min', 'preferred_category'] as const;
const CATEGORIES = ['electronics', 'books', 'clothing', 'home', 'sports', 'beauty'];
/** 2026-01-01T00:00:00Z; row i has event time FIRST_EVENT_MS + i. */
const FIRST_EVENT_MS = Date.UTC(2026, 0, 1);

export interface Row {
  readonly id: string;
  readonly eventTime: number;
  readonly features: Readonly<Record<(typeof FEATURES)[number], string | number>>;
}

/** One push request: its rows, serialised. */
export interface PushBody {
  readonly rows: number;
  readonly body: string;
}

/** mulberry32: a small seeded generator, so that every run writes the same values. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Checks that the registry's view still has exactly the features this bench generates.
 * @returns the hash field the view keeps its event time in
 */
export function checkView(registry: Registry): string {
  const view = registry.view(VIEW);
  const declared = view.features.map((feature) => `${feature.name}:${feature.type}`).sort();
  const generated = ['age:int', 'gender:string', 'purchase_count_30d:int', 'avg_session_duration_min:float', 'preferred_category:string'].sort();
  if (declared.join() !== generated.join()) {
    throw new Error(`view ${VIEW} declares [${declared.join(', ')}]; the write bench generates [${generated.join(', ')}]`);
  }
  return view.eventTimeField;
}

/** `count` rows `{ id, eventTime, features }` as FeatureStore.write takes them. */
export function generateRows(count: number, seed = 42): Row[] {
  const next = random(seed);
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  const rows = new Array<Row>(count);
  for (let index = 0; index < count; index += 1) {
    rows[index] = {
      id: `w${String(index).padStart(7, '0')}`,
      eventTime: FIRST_EVENT_MS + index,
      features: {
        age: between(18, 80),
        gender: next() < 0.5 ? 'M' : 'F',
        purchase_count_30d: between(0, 50),
        avg_session_duration_min: between(100, 6000) / 100,
        preferred_category: CATEGORIES[between(0, CATEGORIES.length - 1)],
      },
    };
  }
  return rows;
}

/** Field, value pairs of a plain HSET: the text the codec stores for int, float and string. */
export function hashFields(row: Row): string[] {
  const fields: string[] = [];
  for (const name of FEATURES) fields.push(name, String(row.features[name]));
  return fields;
}

/** Fields of a stream entry (see the core library's README: id, ts in epoch ms, features as JSON). */
export function streamFields(row: Row): string[] {
  return ['id', row.id, 'ts', String(row.eventTime), 'features', JSON.stringify(row.features)];
}

/** Push request bodies of `batchSize` rows each, serialised up front (the generator's own cost stays out). */
export function pushBodies(rows: readonly Row[], batchSize: number): PushBody[] {
  const bodies: PushBody[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize).map((row) => ({ id: row.id, event_ts: row.eventTime, features: row.features }));
    bodies.push({ rows: batch.length, body: JSON.stringify({ rows: batch }) });
  }
  return bodies;
}

const csvLine = (row: Row) => [row.id, row.eventTime, ...FEATURES.map((name) => row.features[name])].join(',');
const jsonLine = (row: Row) => JSON.stringify({ id: row.id, event_ts: row.eventTime, features: row.features });

/** Writes the rows as the loader reads them: CSV (header id,event_ts,<features>) or JSON Lines. */
export async function writeRowFile(rows: readonly Row[], path: string, format: LoaderFormat): Promise<void> {
  const out = createWriteStream(path);
  const line = format === 'csv' ? csvLine : jsonLine;
  if (format === 'csv') out.write(`id,event_ts,${FEATURES.join(',')}\n`);
  const chunk = 10_000;
  for (let start = 0; start < rows.length; start += chunk) {
    const text = `${rows.slice(start, start + chunk).map(line).join('\n')}\n`;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
