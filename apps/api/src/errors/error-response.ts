import { HttpException, HttpStatus } from '@nestjs/common';
import { FeatureStoreError, FeatureStoreErrorCode, StoredDataError } from '@feature-store/core';
import type { ErrorDialect } from '../http/route';
import { ApiError, type ErrorBody } from './api-error';

/** The one place where library error codes become HTTP statuses. */
const STATUS_BY_CODE: Record<FeatureStoreErrorCode, number> = {
  [FeatureStoreErrorCode.UnknownEntity]: HttpStatus.NOT_FOUND,
  [FeatureStoreErrorCode.UnknownView]: HttpStatus.NOT_FOUND,
  [FeatureStoreErrorCode.UnknownFeatureService]: HttpStatus.NOT_FOUND,
  [FeatureStoreErrorCode.UnknownPushSource]: HttpStatus.NOT_FOUND,
  [FeatureStoreErrorCode.UnknownFeature]: HttpStatus.BAD_REQUEST,
  [FeatureStoreErrorCode.InvalidId]: HttpStatus.BAD_REQUEST,
  [FeatureStoreErrorCode.InvalidRow]: HttpStatus.BAD_REQUEST,
  // Data another writer left in Redis: the request was fine, but cannot be applied over it.
  [FeatureStoreErrorCode.InvalidStoredData]: HttpStatus.CONFLICT,
  [FeatureStoreErrorCode.RedisError]: HttpStatus.SERVICE_UNAVAILABLE,
  [FeatureStoreErrorCode.NotReplicated]: HttpStatus.SERVICE_UNAVAILABLE,
  [FeatureStoreErrorCode.InvalidRegistry]: HttpStatus.INTERNAL_SERVER_ERROR,
};

/**
 * The statuses Feast's feature server answers where they differ from this API's: 404 for any
 * unknown registry object, 422 for an unknown push source and for a request that does not fit.
 */
const FEAST_STATUS: Partial<Record<number | FeatureStoreErrorCode, number>> = {
  [FeatureStoreErrorCode.UnknownFeature]: HttpStatus.NOT_FOUND,
  [FeatureStoreErrorCode.UnknownPushSource]: HttpStatus.UNPROCESSABLE_ENTITY,
  [HttpStatus.BAD_REQUEST]: HttpStatus.UNPROCESSABLE_ENTITY,
};

/**
 * Any thrown value -> status and `{"detail", "code"}`; never a stack trace in the body (the
 * caller logs 5xx with the error itself). `dialect` "feast" answers with Feast's statuses.
 */
export function errorResponse(error: unknown, dialect: ErrorDialect = 'api'): { status: number; body: ErrorBody } {
  const response = apiErrorResponse(error);
  if (dialect === 'api') return response;
  const status = FEAST_STATUS[response.body.code as FeatureStoreErrorCode] ?? FEAST_STATUS[response.status] ?? response.status;
  return { status, body: response.body };
}

function apiErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ApiError) {
    return { status: error.status, body: { detail: error.message, code: error.code } };
  }
  if (error instanceof StoredDataError) {
    const { written, stale } = error.result;
    const rejected = error.rejected.map(({ row, reason }) => ({ row, reason }));
    return { status: STATUS_BY_CODE[error.code], body: { detail: error.message, code: error.code, written, stale, rejected } };
  }
  if (error instanceof FeatureStoreError) {
    const status = STATUS_BY_CODE[error.code];
    const detail = error.code === FeatureStoreErrorCode.RedisError ? 'Feature store unavailable' : error.message;
    return { status, body: { detail, code: error.code } };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, body: { detail: httpExceptionDetail(error), code: HttpStatus[status] ?? 'HTTP_ERROR' } };
  }
  const clientError = fastifyClientError(error);
  if (clientError) return clientError;
  return { status: 500, body: { detail: 'Internal server error', code: 'INTERNAL_ERROR' } };
}

function httpExceptionDetail(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}

/** Fastify's own 4xx errors (malformed JSON, body too large, unsupported content type ...). */
function fastifyClientError(error: unknown): { status: number; body: ErrorBody } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, code, message } = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  return {
    status: statusCode,
    body: {
      detail: typeof message === 'string' ? message : 'Bad request',
      code: typeof code === 'string' ? code : (HttpStatus[statusCode] ?? 'BAD_REQUEST'),
    },
  };
}
