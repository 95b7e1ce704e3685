import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PinoLoggerService } from '@feature-store/nest';
import { randomUUID } from 'node:crypto';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_HEADER } from '../auth/api-key.guard';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { errorResponse } from '../errors/error-response';
import { FeaturesService } from '../features/features.service';
import { LEGACY_OPENAPI_PATHS, serveLegacyRoutes } from '../features/legacy-routes';
import { acceptJsonOnly } from '../http/json-body';
import { ApiMetrics } from '../metrics/api-metrics';
import type { ApiConfig } from './api-config';
import { AppModule } from './app.module';

/** Builds the API (not yet listening); `main.ts` and the end-to-end specs share it. */
export async function createApp(config: ApiConfig): Promise<NestFastifyApplication> {
  // maxParamLength above the longest valid id, so that ids are judged by the registry's rules.
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { maxParamLength: 1_024 },
    logger: false,
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
  adapter.getInstance().addHook('onSend', (request, reply, _payload, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  acceptJsonOnly(adapter.getInstance());
  const metrics = new ApiMetrics({ acrossWorkers: config.workers > 1 });
  adapter.getInstance().addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1_000);
    done();
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, metrics), adapter, {
    logger: new PinoLoggerService(config.logLevel, 'feature-store-api'),
    abortOnError: false,
    // Nest's parsers would add form bodies and rebuild the JSON parser per request; acceptJsonOnly does it.
    bodyParser: false,
  });
  app.useGlobalFilters(new AllExceptionsFilter(metrics));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
    }),
  );
  serveLegacyRoutes(adapter.getInstance(), { features: app.get(FeaturesService), config, metrics });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Feature store API')
      .setDescription('Typed online features from Redis. Every error is {"detail", "code"}.')
      .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER }, API_KEY_HEADER)
      .build(),
  );
  Object.assign(document.paths, LEGACY_OPENAPI_PATHS);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

function validationMessages(errors: ValidationError[]): string[] {
  return errors.flatMap((error) =>
    error.constraints ? Object.values(error.constraints) : [`${error.property || 'body'}: invalid value`],
  );
}
