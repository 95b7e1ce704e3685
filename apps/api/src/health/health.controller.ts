import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { FeatureStore } from '@feature-store/core';
import type { FastifyReply } from 'fastify';
import { API_CONFIG, type ApiConfig } from '../app/api-config';

@Controller('health')
export class HealthController {
  constructor(
    private readonly store: FeatureStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** 200 `{"status": "healthy"}` while Redis answers PING within the timeout, else 503. */
  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const problem = await this.redisProblem();
    if (problem === null) return { status: 'healthy' };
    void reply.status(503);
    return { status: 'unhealthy', detail: problem };
  }

  private async redisProblem(): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`Redis did not answer within ${this.config.healthTimeoutMs} ms`), this.config.healthTimeoutMs);
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
