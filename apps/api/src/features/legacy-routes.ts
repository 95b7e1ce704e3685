import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../app/api-config';
import { authorize } from '../auth/api-key.guard';
import { answerError } from '../errors/all-exceptions.filter';
import type { ApiMetrics } from '../metrics/api-metrics';
import { ApiError } from '../errors/api-error';
import type { FeaturesService } from './features.service';

/** Entity of the original routes. */
const ENTITY = 'user';
const JSON_TYPE = 'application/json; charset=utf-8';

/** The ids of a batch body; checked by hand, as class-validator cost about 25 µs a request here. */
function legacyBatchIds(body: unknown): string[] {
  const ids = (body as { user_ids?: unknown } | null | undefined)?.user_ids;
  if (!Array.isArray(ids)) throw new ApiError(400, 'BAD_REQUEST', 'user_ids: expected an array of ids');
  for (const id of ids) {
    if (typeof id !== 'string') throw new ApiError(400, 'BAD_REQUEST', 'user_ids: every id is a string');
  }
  return ids as string[];
}

/**
 * The original prototype's contract, kept exactly: GET /features/{user_id} and
 * POST /features/batch with {"user_ids": [...]}. These are the hot routes, so they are Fastify
 * routes rather than Nest controllers: Nest's router (execution context, guards, pipes, response
 * handling) cost about 6 µs of a single read's 29-35 µs of CPU. They keep everything else of the
 * API: the read scope when READS_REQUIRE_KEY is set, the request id and metrics hooks, and the
 * error bodies. Their bodies are written as JSON text from the stored values, without building
 * objects to serialize.
 */
export function serveLegacyRoutes(
  fastify: FastifyInstance,
  { features, config, metrics }: { features: FeaturesService; config: ApiConfig; metrics: ApiMetrics },
): void {
  const fail = (error: unknown, request: FastifyRequest, reply: FastifyReply) => answerError(error, request, reply, metrics);

  fastify.get<{ Params: { userId: string } }>('/features/:userId', async (request, reply) => {
    try {
      authorize(config, request, 'read');
      const { userId } = request.params;
      const json = await features.getOneJson(ENTITY, userId);
      return reply.type(JSON_TYPE).send(`{"user_id":${JSON.stringify(userId)},"features":${json}}`);
    } catch (error) {
      return fail(error, request, reply);
    }
  });

  /** Unknown ids come back with `"features": null`, in request order. */
  fastify.post('/features/batch', async (request, reply) => {
    try {
      authorize(config, request, 'read');
      const ids = legacyBatchIds(request.body);
      const found = await features.getManyJson(ENTITY, ids, 'user_ids');
      let json = '[';
      for (let index = 0; index < found.length; index++) {
        if (index > 0) json += ',';
        json += `{"user_id":${JSON.stringify(ids[index])},"features":${found[index] ?? 'null'}}`;
      }
      return reply.type(JSON_TYPE).send(`${json}]`);
    } catch (error) {
      return fail(error, request, reply);
    }
  });
}

const ERROR_BODY = {
  type: 'object',
  properties: { detail: { type: 'string' }, code: { type: 'string' } },
  required: ['detail', 'code'],
};
const error = (description: string) => ({ description, content: { 'application/json': { schema: ERROR_BODY } } });
const FEATURES = { type: 'object', nullable: true, additionalProperties: true, description: 'typed by the registry; null for an unknown id (batch)' };
const ENTRY = { type: 'object', properties: { user_id: { type: 'string' }, features: FEATURES }, required: ['user_id', 'features'] };

/** The OpenAPI paths of these routes, which Nest's document generator does not see. */
export const LEGACY_OPENAPI_PATHS: OpenAPIObject['paths'] = {
  '/features/{userId}': {
    get: {
      operationId: 'legacyGetOne',
      tags: ['Features (original contract)'],
      security: [{ 'x-api-key': [] }, {}],
      parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The user\'s features', content: { 'application/json': { schema: ENTRY } } },
        '400': error('Invalid id'),
        '404': error('Unknown user (ENTITY_NOT_FOUND)'),
        '503': error('Redis unavailable (REDIS_ERROR)'),
      },
    },
  },
  '/features/batch': {
    post: {
      operationId: 'legacyGetMany',
      tags: ['Features (original contract)'],
      security: [{ 'x-api-key': [] }, {}],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                user_ids: { type: 'array', items: { type: 'string' }, example: ['user00001', 'user00002'], description: '1 to BATCH_MAX_IDS ids' },
              },
              required: ['user_ids'],
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'One entry per requested id, in order',
          content: { 'application/json': { schema: { type: 'array', items: ENTRY } } },
        },
        '400': error('Invalid body, id or batch size'),
        '503': error('Redis unavailable (REDIS_ERROR)'),
      },
    },
  },
};
