import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import type { ApiConfig } from './api-config';
import { AppModule } from './app.module';

/** Builds the API (not yet listening); `main.ts` and the end-to-end specs share it. */
export async function createApp(config: ApiConfig): Promise<NestFastifyApplication> {
  // maxParamLength above the longest valid id, so that ids are judged by the registry's rules.
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { maxParamLength: 1_024 },
    logger: false,
  });
  // Bodies are JSON only: any other content type is answered 415.
  adapter.getInstance().removeContentTypeParser('text/plain');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: ['error', 'warn', 'log'],
    abortOnError: false,
  });
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
    }),
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

function validationMessages(errors: ValidationError[]): string[] {
  return errors.flatMap((error) =>
    error.constraints ? Object.values(error.constraints) : [`${error.property || 'body'}: invalid value`],
  );
}
