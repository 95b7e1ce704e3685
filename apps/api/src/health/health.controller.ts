import { type BeforeApplicationShutdown, Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { FeatureStore } from '@feature-store/core';
import type { FastifyReply } from 'fastify';
import { API_CONFIG, type ApiConfig } from '../app/api-config';

/**
 * GET /health (the original contract) and GET /health/ready: 200 while Redis answers PING within
 * HEALTH_TIMEOUT_MS, else 503; ready also turns 503 once shutdown has begun.
 * GET /health/live: 200 while the process serves HTTP at all.
 */
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(
    private readonly store: FeatureStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(reply, await this.redisProblem());
  }

  @Get('ready')
  @HttpCode(200)
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(reply, this.shuttingDown ? 'Shutting down' : await this.redisProblem());
  }

  @Get('live')
  live() {
    return { status: 'alive' };
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
      timer = setTimeout(
        () => resolve(`Redis did not answer within ${this.config.healthTimeoutMs} ms`),
        this.config.healthTimeoutMs,
      );
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
