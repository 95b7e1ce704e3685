import { BadRequestException, NotFoundException } from '@nestjs/common';
import { FeatureStoreError, FeatureStoreErrorCode } from '@feature-store/core';
import { ApiError } from './api-error';
import { errorResponse } from './error-response';

const storeError = (code: FeatureStoreErrorCode) => new FeatureStoreError(code, `message of ${code}`);

describe('errorResponse', () => {
  it.each<[FeatureStoreErrorCode, number]>([
    [FeatureStoreErrorCode.UnknownEntity, 404],
    [FeatureStoreErrorCode.UnknownView, 404],
    [FeatureStoreErrorCode.UnknownFeature, 400],
    [FeatureStoreErrorCode.InvalidId, 400],
    [FeatureStoreErrorCode.InvalidRow, 400],
    [FeatureStoreErrorCode.RedisError, 503],
    [FeatureStoreErrorCode.NotReplicated, 503],
    [FeatureStoreErrorCode.UnknownFeatureService, 404],
    [FeatureStoreErrorCode.UnknownPushSource, 404],
    [FeatureStoreErrorCode.InvalidStoredData, 409],
    [FeatureStoreErrorCode.InvalidRegistry, 500],
  ])('maps %s to %i, keeping the code', (code, status) => {
    const response = errorResponse(storeError(code));
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
  });

  it('does not pass Redis error messages (addresses, internals) to clients', () => {
    const error = new FeatureStoreError(FeatureStoreErrorCode.RedisError, 'Redis: connect ECONNREFUSED 10.0.0.5:6379');
    expect(errorResponse(error).body).toEqual({ detail: 'Feature store unavailable', code: 'REDIS_ERROR' });
  });

  it('uses the status and code of an ApiError', () => {
    expect(errorResponse(new ApiError(404, 'ENTITY_NOT_FOUND', 'User x not found'))).toEqual({
      status: 404,
      body: { detail: 'User x not found', code: 'ENTITY_NOT_FOUND' },
    });
  });

  it('joins validation messages of Nest exceptions', () => {
    expect(errorResponse(new BadRequestException(['a: bad', 'b: bad']))).toEqual({
      status: 400,
      body: { detail: 'a: bad; b: bad', code: 'BAD_REQUEST' },
    });
    expect(errorResponse(new NotFoundException('Cannot GET /x')).body).toEqual({
      detail: 'Cannot GET /x',
      code: 'NOT_FOUND',
    });
  });

  it('keeps the status of a Fastify client error', () => {
    const error = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(errorResponse(error)).toEqual({
      status: 413,
      body: { detail: 'Request body is too large', code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
    });
  });

  it('answers anything else with a bare 500, no stack trace', () => {
    const response = errorResponse(new TypeError('x is undefined'));
    expect(response).toEqual({ status: 500, body: { detail: 'Internal server error', code: 'INTERNAL_ERROR' } });
  });
});
