import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FeatureStoreErrorCode } from '@feature-store/core';
import { ApiMetrics } from '../metrics/api-metrics';
import { errorResponse } from './error-response';

const logger = new Logger('HttpError');

/**
 * Answers `error` as `{"detail", "code"}` with its status (in the route's dialect); counts Redis
 * failures, logs 5xx.
 */
export function answerError(error: unknown, request: FastifyRequest, reply: FastifyReply, metrics: ApiMetrics): void {
  const { status, body } = errorResponse(error, request.routeOptions.config?.errors);
  if (body.code === FeatureStoreErrorCode.RedisError) metrics.redisErrors.inc();
  if (status >= 500) {
    logger.error({
      reqId: request.id,
      route: request.routeOptions.url,
      code: body.code,
      err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
    });
  }
  void reply.status(status).send(body);
}

/**
 * Every error of every route reaches this filter: Nest installs Fastify's error and not-found
 * handlers, which hand errors to the application's global filters.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly metrics: ApiMetrics) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    answerError(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.metrics);
  }
}
