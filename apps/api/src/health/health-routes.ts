import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { FeatureStore } from '@feature-store/core';
import type { FastifyReply } from 'fastify';
import { API_CONFIG, type ApiConfig } from '../app/api-config';
import type { ApiRoute, RouteSource } from '../http/route';

const HEALTH = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['healthy', 'unhealthy', 'alive'] }, detail: { type: 'string' } },
  required: ['status'],
};
const health = (summary: string) => ({ summary, tags: ['Health'], response: { 200: HEALTH, 503: HEALTH } });

/**
 * GET /health (the original contract) and GET /health/ready: 200 while Redis answers PING within
 * HEALTH_TIMEOUT_MS, else 503; ready also turns 503 once shutdown has begun.
 * GET /health/live: 200 while the process serves HTTP at all.
 */
@Injectable()
export class HealthRoutes implements RouteSource, BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(
    private readonly store: FeatureStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  routes(): readonly ApiRoute[] {
    return [
      {
        method: 'GET',
        url: '/health',
        schema: health('200 while Redis answers, else 503 (the original contract)'),
        handler: async (_, reply) => this.answer(reply, await this.redisProblem()),
      },
      {
        method: 'GET',
        url: '/health/ready',
        schema: health('Readiness: as /health, and 503 once shutdown began'),
        handler: async (_, reply) => this.answer(reply, this.shuttingDown ? 'Shutting down' : await this.redisProblem()),
      },
      { method: 'GET', url: '/health/live', schema: health('Liveness: 200 while the process serves'), handler: async () => ({ status: 'alive' }) },
    ];
  }

  /** Runs before the HTTP server stops accepting: load balancers see "not ready" first. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  private answer(reply: FastifyReply, problem: string | null) {
    if (problem === null) return { status: 'healthy' };
    void reply.status(503);
    return { status: 'unhealthy', detail: problem };
  }

  private async redisProblem(): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`Redis did not answer within ${this.config.HEALTH_TIMEOUT_MS} ms`), this.config.HEALTH_TIMEOUT_MS);
    });
    const ping = this.store.ping().then(
      () => null,
      () => 'Redis is unreachable',
    );
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
