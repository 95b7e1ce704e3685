import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { FeatureStore } from '@feature-store/core';
import { API_CONFIG, type ApiConfig } from '../app/api-config';
import type { ApiRoute, RouteSource } from '../http/route';
import { responses } from '../http/schemas';
import { ApiMetrics } from '../metrics/api-metrics';
import { MetricsSampler } from './metrics-sampler';
import { SUMMARY_BODY } from './metrics-summary';
import { REGISTRY_BODY, type RegistryBody, registryBody } from './registry-body';

const READ = { scope: 'read' } as const;

/**
 * What the web console reads besides features: the registry, and a summary of the API's and the
 * ingestor's metrics. Both are reads: they need the read scope when READS_REQUIRE_KEY=true.
 */
@Injectable()
export class ConsoleRoutes implements RouteSource, OnModuleInit, OnModuleDestroy {
  private readonly registry: RegistryBody;
  private readonly sampler: MetricsSampler;

  constructor(store: FeatureStore, @Inject(API_CONFIG) config: ApiConfig, metrics: ApiMetrics) {
    // The registry is loaded once at boot and never changes while the API runs.
    this.registry = registryBody(store.registry);
    this.sampler = new MetricsSampler({
      scrapeApi: metrics.scrape,
      ingestorUrl: config.INGESTOR_METRICS_URL === 'off' ? null : config.INGESTOR_METRICS_URL,
      views: store.registry.views.map(({ name, maxAgeMs }) => ({ name, maxAgeMs })),
    });
  }

  onModuleInit(): void {
    this.sampler.start();
  }

  onModuleDestroy(): void {
    this.sampler.stop();
  }

  routes(): readonly ApiRoute[] {
    return [
      {
        method: 'GET',
        url: '/v1/registry',
        config: READ,
        schema: {
          summary: 'The registry: entities and their join keys, key spaces, views with typed features and max ages, feature services, push sources',
          tags: ['Registry'],
          response: responses(REGISTRY_BODY),
        },
        handler: async () => this.registry,
      },
      {
        method: 'GET',
        url: '/v1/metrics/summary',
        config: READ,
        schema: {
          summary: 'Recent rates and percentiles: age of the rows served and rows written by source per view, requests and p99 per route, Redis errors',
          tags: ['Metrics'],
          response: responses(SUMMARY_BODY),
        },
        handler: async () => this.sampler.summary(),
      },
    ];
  }
}
