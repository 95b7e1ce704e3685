import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../app/api-config';
import { ApiError } from '../errors/api-error';
import { type ApiKey, type Scope, findApiKey } from './api-keys';
import { RateLimiter } from './rate-limiter';

export const API_KEY_HEADER = 'x-api-key';

/** The key a request presents: `x-api-key`, or `Authorization: Bearer <key>` (as Feast's clients send it). */
function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers[API_KEY_HEADER];
  if (typeof header === 'string') return header;
  const authorization = request.headers.authorization;
  return authorization !== undefined && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
}

/**
 * The key of a request that may use `scope`; null for a read when reads are open.
 * @throws ApiError 401 without a valid key, 403 when the key lacks the scope
 */
export function authorize(config: ApiConfig, request: FastifyRequest, scope: Scope): ApiKey | null {
  if (scope === 'read' && !config.READS_REQUIRE_KEY) return null;
  const presented = presentedKey(request);
  const key = presented === undefined ? null : findApiKey(config.apiKeys, presented);
  if (!key) {
    throw new ApiError(401, 'UNAUTHORIZED', `A valid API key is required in the ${API_KEY_HEADER} header (or Authorization: Bearer)`);
  }
  if (!key.scopes.has(scope)) throw new ApiError(403, 'FORBIDDEN', `This API key lacks the "${scope}" scope`);
  return key;
}

/**
 * The check every route with a scope runs before its body is read: 401 without a valid key, 403
 * when the key lacks the scope, 429 (with Retry-After) past PUSH_RATE_LIMIT writes a second for
 * that key.
 */
export function scopeCheck(config: ApiConfig): (request: FastifyRequest, reply: FastifyReply, scope: Scope) => void {
  const writeLimiter = config.PUSH_RATE_LIMIT > 0 ? new RateLimiter(config.PUSH_RATE_LIMIT, config.PUSH_RATE_LIMIT) : null;
  return (request, reply, scope) => {
    const key = authorize(config, request, scope);
    const wait = key && scope === 'write' ? (writeLimiter?.take(key.name) ?? 0) : 0;
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      throw new ApiError(429, 'RATE_LIMITED', `Too many writes for this API key: retry in ${wait} s`);
    }
  };
}
