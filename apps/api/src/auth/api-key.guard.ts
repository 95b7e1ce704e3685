import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiter } from './rate-limiter';
import { API_CONFIG, type ApiConfig } from '../app/api-config';
import { ApiError } from '../errors/api-error';
import { type ApiKey, type Scope, findApiKey } from './api-keys';

const SCOPE = 'feature-store:scope';

/** The scope a route needs; routes without one (health) are open. */
export const RequiresScope = (scope: Scope) => SetMetadata(SCOPE, scope);

export const API_KEY_HEADER = 'x-api-key';

/**
 * The key of a request that may use `scope`; null for a read when reads are open.
 * @throws ApiError 401 without a valid key, 403 when the key lacks the scope
 */
export function authorize(config: ApiConfig, request: FastifyRequest, scope: Scope): ApiKey | null {
  if (scope === 'read' && !config.readsRequireKey) return null;
  const presented = request.headers[API_KEY_HEADER];
  const key = typeof presented === 'string' ? findApiKey(config.apiKeys, presented) : null;
  if (!key) throw new ApiError(401, 'UNAUTHORIZED', `A valid API key is required in the ${API_KEY_HEADER} header`);
  if (!key.scopes.has(scope)) throw new ApiError(403, 'FORBIDDEN', `This API key lacks the "${scope}" scope`);
  return key;
}

/**
 * Checks the `x-api-key` header against the configured keys: 401 without a valid key, 403 when
 * the key lacks the route's scope, 429 (with Retry-After) past PUSH_RATE_LIMIT writes a second
 * for that key. Reads are open unless READS_REQUIRE_KEY is set.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly writeLimiter: RateLimiter | null;

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.writeLimiter = config.pushRateLimit > 0 ? new RateLimiter(config.pushRateLimit, config.pushRateLimit) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.get<Scope | undefined>(SCOPE, context.getHandler());
    if (scope === undefined) return true;
    const key = authorize(this.config, context.switchToHttp().getRequest<FastifyRequest>(), scope);
    const wait = key && scope === 'write' ? (this.writeLimiter?.take(key.name) ?? 0) : 0;
    if (wait > 0) {
      void context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(wait));
      throw new ApiError(429, 'RATE_LIMITED', `Too many writes for this API key: retry in ${wait} s`);
    }
    return true;
  }
}
