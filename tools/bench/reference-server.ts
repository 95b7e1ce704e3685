// The floor of overhead the API is measured against: Fastify + ioredis and nothing else, serving
// the same routes with the same bodies for the seed layout of the scenarios' registry.
//   GET  /features/:user_id     one HGETALL, 404 {"detail"} for an unknown id
//   POST /features/batch        one pipelined HGETALL per id, features null for unknown ids
//   POST /get-online-features   one pipelined HMGET per entity row and view (Feast's columns)
//   GET  /health
// Values are typed like the API's (int/float as numbers) so both send the same bytes; bodies are
// serialised with JSON.stringify. No validation beyond the body's shape, no logging; the only use
// of the scenarios' registry (registry/examples/load-scenarios.yaml) is, at start, each view's
// entity and feature types.
// Usage: PORT=8100 REDIS_URL=redis://127.0.0.1:6379 node --import tsx tools/bench/reference-server.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { parse as parseYaml } from 'yaml';
import { SCENARIOS_REGISTRY } from './lib/scenarios';

const port = Number(process.env.PORT ?? 8100);
const host = process.env.HOST ?? '127.0.0.1';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { connectionName: 'bench-reference' });

/** The hash of the seed layout -> the API's "features" object (null for a missing hash). */
function features(hash: Record<string, string>) {
  if (Object.keys(hash).length === 0) return null;
  return {
    age: hash.age === undefined ? null : Number(hash.age),
    gender: hash.gender ?? null,
    purchase_count_30d: hash.purchase_count_30d === undefined ? null : Number(hash.purchase_count_30d),
    avg_session_duration_min: hash.avg_session_duration_min === undefined ? null : Number(hash.avg_session_duration_min),
    preferred_category: hash.preferred_category ?? null,
  };
}

const app = Fastify({ logger: false });

app.get('/health', async () => ({ status: 'healthy' }));

app.get<{ Params: { user_id: string } }>('/features/:user_id', async (request, reply) => {
  const userId = request.params.user_id;
  const found = features(await redis.hgetall(`user:${userId}:features`));
  reply.type('application/json');
  if (!found) return reply.code(404).send(JSON.stringify({ detail: `User ${userId} not found` }));
  return reply.send(JSON.stringify({ user_id: userId, features: found }));
});

app.post<{ Body: { user_ids?: unknown } | undefined }>('/features/batch', async (request, reply) => {
  const userIds = request.body?.user_ids;
  reply.type('application/json');
  if (!Array.isArray(userIds)) return reply.code(400).send(JSON.stringify({ detail: 'user_ids: expected an array of ids' }));
  const pipeline = redis.pipeline();
  for (const userId of userIds) pipeline.hgetall(`user:${userId}:features`);
  const replies = (await pipeline.exec()) ?? [];
  const body = userIds.map((userId: unknown, index) => {
    const [error, hash] = replies[index];
    if (error) throw error;
    return { user_id: userId, features: features(hash as Record<string, string>) };
  });
  return reply.send(JSON.stringify(body));
});

interface View {
  readonly entity: string;
  readonly eventTimeField: string;
  readonly numeric: ReadonlySet<string>;
}

/** Each view's entity, event time field and numeric features, from the scenarios' registry. */
function readViews(): ReadonlyMap<string, View> {
  type ViewYaml = { entity: string; event_time_field: string; features: Record<string, string | { type: string }> };
  const registry = parseYaml(readFileSync(join(__dirname, '../..', SCENARIOS_REGISTRY), 'utf8')) as { views: Record<string, ViewYaml> };
  return new Map(
    Object.entries(registry.views).map(([name, view]) => {
      const typeOf = (feature: string | { type: string }) => (typeof feature === 'string' ? feature : feature.type);
      const numeric = Object.keys(view.features).filter((feature) => ['int', 'float'].includes(typeOf(view.features[feature])));
      return [name, { entity: view.entity, eventTimeField: view.event_time_field, numeric: new Set(numeric) }];
    }),
  );
}

const views = readViews();
const ZERO_TIME = '1970-01-01T00:00:00Z';
/** Feast's RFC 3339: fractional seconds only when not zero. */
const rfc3339 = (epochMs: number) => new Date(epochMs).toISOString().replace('.000Z', 'Z');

interface Column {
  values: unknown[];
  statuses: string[];
  event_timestamps: string[];
}

app.post<{ Body: { entities?: Record<string, unknown[]>; features?: string[] } | undefined }>('/get-online-features', async (request, reply) => {
  const entities = request.body?.entities ?? {};
  const references = request.body?.features ?? [];
  reply.type('application/json');
  const joinKeys = Object.keys(entities);
  const rows = joinKeys.length === 0 ? 0 : entities[joinKeys[0]].length;
  // The features of each view, in the order asked; one HMGET of them and the event time per row.
  const byView = new Map<string, { view: View; features: string[] }>();
  for (const reference of references) {
    const [name, feature] = reference.split(':');
    const view = views.get(name);
    if (!view) return reply.code(404).send(JSON.stringify({ detail: `Feature view ${name} does not exist` }));
    byView.set(name, { view, features: [...(byView.get(name)?.features ?? []), feature] });
  }
  const pipeline = redis.pipeline();
  for (const { view, features } of byView.values()) {
    const ids = entities[`${view.entity}_id`];
    for (let row = 0; row < rows; row += 1) pipeline.hmget(`${view.entity}:${ids[row]}:features`, view.eventTimeField, ...features);
  }
  const replies = (await pipeline.exec()) ?? [];
  const columns = new Map<string, Column>();
  let next = 0;
  for (const [name, { view, features }] of byView) {
    const viewColumns = features.map(() => ({ values: [] as unknown[], statuses: [] as string[], event_timestamps: [] as string[] }));
    for (let row = 0; row < rows; row += 1) {
      const [error, fields] = replies[next++];
      if (error) throw error;
      const [eventTime, ...values] = fields as (string | null)[];
      const time = eventTime === null ? ZERO_TIME : rfc3339(Number(eventTime));
      features.forEach((feature, index) => {
        const value = values[index];
        const column = viewColumns[index];
        column.values.push(value === null ? null : view.numeric.has(feature) ? Number(value) : value);
        column.statuses.push(eventTime === null ? 'NOT_FOUND' : value === null ? 'NULL_VALUE' : 'PRESENT');
        column.event_timestamps.push(time);
      });
    }
    features.forEach((feature, index) => columns.set(`${name}:${feature}`, viewColumns[index]));
  }
  const keyColumn = (ids: unknown[]): Column => ({
    values: ids,
    statuses: ids.map(() => 'PRESENT'),
    event_timestamps: ids.map(() => ZERO_TIME),
  });
  const body = {
    metadata: { feature_names: [...joinKeys, ...references.map((reference) => reference.split(':')[1])] },
    results: [...joinKeys.map((key) => keyColumn(entities[key])), ...references.map((reference) => columns.get(reference))],
  };
  return reply.send(JSON.stringify(body));
});

const close = async () => {
  await app.close();
  redis.disconnect();
};
process.once('SIGTERM', close);
process.once('SIGINT', close);

void app.listen({ port, host }).then(() => console.log(`reference server listening on http://${host}:${port}`));
