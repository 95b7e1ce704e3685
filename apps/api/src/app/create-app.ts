import { NestFactory } from '@nestjs/core';
import { FeatureStore } from '@feature-store/core';
import { PinoLoggerService } from '@feature-store/nest';
import { randomUUID } from 'node:crypto';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { errorResponse } from '../errors/error-response';
import { capConnections } from '../http/connection-cap';
import { setUpHttp } from '../http/http-layer';
import { ApiMetrics } from '../metrics/api-metrics';
import type { ApiConfig } from './api-config';
import { AppModule, ROUTE_SOURCES } from './app.module';

/** Builds the API (not yet listening); `main.ts` and the end-to-end specs share it. */
export async function createApp(config: ApiConfig): Promise<NestFastifyApplication> {
  // maxParamLength above the longest valid id, so that ids are judged by the registry's rules.
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    // A client that sends part of a request and stalls holds a connection and its buffered bytes:
    // the whole request has a deadline, a silent connection is closed, and Node checks every second.
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    connectionTimeout: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    http: {
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(config.REQUEST_TIMEOUT_MS, 60_000),
      connectionsCheckingInterval: 1_000,
    },
    routerOptions: { maxParamLength: 1_024 },
    logger: false,
    // No Nest middleware here: without @fastify/middie every request skips its hook.
    skipMiddie: true,
    // Each request's id: the caller's x-request-id, else a new UUID; echoed in the response.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Errors Fastify answers itself (a malformed URL, a parameter over maxParamLength) get the
    // same body and request id as the rest.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = errorResponse(error);
      void reply.status(status).header('x-request-id', request.id).send(body);
    },
  });
  const metrics = new ApiMetrics({ acrossWorkers: config.API_WORKERS > 1 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, metrics), adapter, {
    logger: new PinoLoggerService(config.LOG_LEVEL, 'feature-store-api'),
    abortOnError: false,
    // Nest's parsers would add form bodies and rebuild the JSON parser per request; setUpHttp sets JSON only.
    bodyParser: false,
  });
  app.useGlobalFilters(new AllExceptionsFilter(metrics));
  const store = app.get(FeatureStore);
  if (store.nearCacheStats()) metrics.reportNearCache(() => store.nearCacheStats()!);
  // Nest's init sets Fastify's error and not-found handlers (to the filter above); a route takes
  // the error handler set when it is added, so the routes come after.
  await app.init();
  const routes = ROUTE_SOURCES.flatMap((source) => app.get(source).routes());
  await setUpHttp(adapter.getInstance(), { config, metrics, routes });
  await adapter.getInstance().ready();
  // At most MAX_CONNECTIONS: with the body limit, memory stays bounded; stalled clients give way.
  capConnections(adapter.getInstance().server, config.MAX_CONNECTIONS);
  return app;
}
