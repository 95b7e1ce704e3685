import { Injectable } from '@nestjs/common';
import { FeatureStore } from '@feature-store/core';
import type { ApiRoute, RouteSource } from '../http/route';
import { responses } from '../http/schemas';
import { REGISTRY_BODY, type RegistryBody, registryBody } from './registry-body';

const READ = { scope: 'read' } as const;

/**
 * What the web console reads besides features: the registry. A read: it needs the read scope
 * when READS_REQUIRE_KEY=true.
 */
@Injectable()
export class ConsoleRoutes implements RouteSource {
  private readonly registry: RegistryBody;

  constructor(store: FeatureStore) {
    // The registry is loaded once at boot and never changes while the API runs.
    this.registry = registryBody(store.registry);
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
    ];
  }
}
