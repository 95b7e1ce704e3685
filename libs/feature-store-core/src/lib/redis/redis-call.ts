import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';

/** Any failure of a Redis call as a `REDIS_ERROR`, the original error as its cause. */
export function toRedisError(error: unknown): FeatureStoreError {
  if (error instanceof FeatureStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FeatureStoreError(FeatureStoreErrorCode.RedisError, `Redis: ${message}`, {}, { cause: error });
}

/** Runs a Redis call, turning its failures into `REDIS_ERROR` (one promise, no async frame). */
export function redisCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run().catch((error: unknown) => {
      throw toRedisError(error);
    });
  } catch (error) {
    return Promise.reject(toRedisError(error));
  }
}

type PipelineReplies = [error: Error | null, result: unknown][] | null;

/** The reply of one pipelined command; a failed command fails the whole call. */
export function pipelineReply<T>(replies: PipelineReplies, index: number): T {
  const reply = replies?.[index];
  if (!reply) throw toRedisError(new Error('pipeline returned no reply'));
  const [error, result] = reply;
  if (error) throw toRedisError(error);
  return result as T;
}
