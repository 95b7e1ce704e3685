import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FeatureStoreErrorCode } from '@feature-store/core';
import { ApiMetrics } from '../metrics/api-metrics';
import { errorResponse } from './error-response';

const logger = new Logger('HttpError');

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly metrics: ApiMetrics) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body } = errorResponse(error);
    if (body.code === FeatureStoreErrorCode.RedisError) this.metrics.redisErrors.inc();
    const http = host.switchToHttp();
    if (status >= 500) {
      const request = http.getRequest<FastifyRequest>();
      logger.error({
        reqId: request.id,
        route: request.routeOptions.url,
        code: body.code,
        err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
      });
    }
    void http.getResponse<FastifyReply>().status(status).send(body);
  }
}
