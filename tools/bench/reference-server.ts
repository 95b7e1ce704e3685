// The floor of overhead the API is measured against: Fastify + ioredis and nothing else, serving
// the same two routes with the same bodies for the seed layout of the default registry.
//   GET  /features/:user_id   one HGETALL, 404 {"detail"} for an unknown id
//   POST /features/batch      one pipelined HGETALL per id, features null for unknown ids
//   GET  /health
// Values are typed like the API's (int/float as numbers) so both send the same bytes; bodies are
// serialised with JSON.stringify. No validation beyond the body's shape, no registry, no logging.
// Usage: PORT=8100 REDIS_URL=redis://127.0.0.1:6379 node --import tsx tools/bench/reference-server.ts
import Fastify from 'fastify';
import { Redis } from 'ioredis';

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

const close = async () => {
  await app.close();
  redis.disconnect();
};
process.once('SIGTERM', close);
process.once('SIGINT', close);

void app.listen({ port, host }).then(() => console.log(`reference server listening on http://${host}:${port}`));
