import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastJson from 'fast-json-stringify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../app/api-config';
import { API_KEY_HEADER, scopeCheck } from '../auth/authorize';
import { serveConsole } from '../console/console-static';
import { ApiError } from '../errors/api-error';
import type { ApiMetrics } from '../metrics/api-metrics';
import { acceptAnyContentTypeAsJson, acceptJsonOnly } from './json-body';
import { type ApiRoute, bodyWriter } from './route';
import { writeAtTurnEnd } from './turn-end-writes';

const BEARER = 'bearer';

/**
 * Sets up every route of the API on one Fastify instance, with what they all share:
 * - JSON bodies only (`acceptJsonOnly`), but for routes of Feast's clients, which send JSON under
 *   any content type;
 * - the request id (the caller's `x-request-id`, or a new UUID) echoed on every response;
 * - responses written together at the end of the event loop's turn (`writeAtTurnEnd`);
 * - the key check of the route's scope, before the body is read;
 * - request metrics by route and status;
 * - one response layer: each response schema selects its serializer (the writer of a
 *   `writtenBody`, else fast-json-stringify), so the OpenAPI document at /docs comes from the same
 *   schemas that write the bodies. Request schemas document; each handler reads its request with
 *   a reader that answers 400 naming the field (Fastify's own validation is off);
 * - the built web console at /ui, public like /docs (the data routes it calls check the key).
 * Errors thrown anywhere go to Fastify's error handler, which Nest sets to hand them to the
 * application's one exception filter (`AllExceptionsFilter`).
 */
export async function setUpHttp(
  fastify: FastifyInstance,
  { config, metrics, routes }: { config: ApiConfig; metrics: ApiMetrics; routes: readonly ApiRoute[] },
): Promise<void> {
  const jsonParser = acceptJsonOnly(fastify);
  fastify.addHook('onSend', (request, reply, _payload, done) => {
    void reply.header('x-request-id', request.id);
    writeAtTurnEnd(done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1_000);
    done();
  });
  fastify.setValidatorCompiler(() => () => true);
  fastify.setSerializerCompiler(({ schema }) => bodyWriter(schema) ?? fastJson(schema as Parameters<typeof fastJson>[0]));

  await fastify.register(fastifySwagger, {
    openapi: {
      info: { title: 'Feature store API', description: 'Typed online features from Redis. Every error is {"detail", "code"}.', version: '1' },
      components: {
        securitySchemes: {
          [API_KEY_HEADER]: { type: 'apiKey', in: 'header', name: API_KEY_HEADER },
          [BEARER]: { type: 'http', scheme: 'bearer', description: 'the same API keys, as Feast clients send them' },
        },
      },
    },
  });
  const check = scopeCheck(config);
  /** An empty path parameter names no resource: 404, as for any unknown route, before anything else. */
  const rejectEmptyParams = (request: FastifyRequest) => {
    const params = request.params as Record<string, string>;
    // A loop over the keys: no array of the values per request.
    for (const name in params) {
      if (params[name] === '') throw new ApiError(404, 'NOT_FOUND', `Cannot ${request.method} ${request.url}`);
    }
  };
  const addRoute = (context: FastifyInstance, route: ApiRoute) => {
    const hasParams = route.url.includes(':');
    const scope = route.config?.scope;
    // Open reads skip the hook altogether: the common read path pays nothing for auth.
    const guarded = scope !== undefined && (scope === 'write' || config.READS_REQUIRE_KEY);
    const security: Record<string, string[]>[] | undefined =
      scope === undefined ? undefined : [{ [API_KEY_HEADER]: [] }, { [BEARER]: [] }, ...(guarded ? [] : [{}])];
    context.route({
      method: route.method,
      url: route.url,
      config: route.config ?? {},
      schema: { ...route.schema, tags: [...route.schema.tags], ...(security ? { security } : {}) },
      ...(guarded
        ? {
            onRequest: (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
              try {
                if (hasParams) rejectEmptyParams(request);
                check(request, reply, scope);
                done();
              } catch (error) {
                done(error as Error);
              }
            },
          }
        : {}),
      handler:
        hasParams && !guarded
          ? (request: FastifyRequest, reply: FastifyReply) => {
              rejectEmptyParams(request);
              return route.handler(request, reply);
            }
          : route.handler,
    });
  };
  for (const route of routes.filter((candidate) => !candidate.config?.anyContentType)) addRoute(fastify, route);
  await fastify.register(async (context) => {
    acceptAnyContentTypeAsJson(context, jsonParser);
    for (const route of routes.filter((candidate) => candidate.config?.anyContentType)) addRoute(context, route);
  });
  await fastify.register(fastifySwaggerUi, { routePrefix: '/docs' });
  fastify.get('/docs/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
  await serveConsole(fastify, config.CONSOLE_DIR);
}
