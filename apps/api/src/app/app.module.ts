import { type DynamicModule, Module } from '@nestjs/common';
import { FeatureStoreModule } from '@feature-store/nest';
import { ConsoleRoutes } from '../console/console-routes';
import { FeastRoutes } from '../feast/feast-routes';
import { FeatureRoutes } from '../features/feature-routes';
import { FeaturesService } from '../features/features.service';
import { HealthRoutes } from '../health/health-routes';
import { MetricsRoutes } from '../metrics/metrics-routes';
import { PushRoutes } from '../push/push-routes';
import { API_CONFIG, type ApiConfig } from './api-config';
import { ApiMetrics } from '../metrics/api-metrics';

/** The providers that declare the API's routes (see `RouteSource`), in the order they are served. */
export const ROUTE_SOURCES = [FeatureRoutes, FeastRoutes, PushRoutes, HealthRoutes, MetricsRoutes, ConsoleRoutes] as const;

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, metrics: ApiMetrics): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FeatureStoreModule.forRoot({
          redisTarget: config.redisTarget,
          registryPath: config.REGISTRY_PATH,
          namespace: config.KEY_NAMESPACE,
          connectionName: 'feature-store-api',
          redisCommandTimeoutMs: config.redisCommandTimeoutMs,
          durability: config.durability,
          // Many concurrent requests of one or two commands each: one write per turn for all of
          // them (the read bench shows the gain; tools/bench/README.md).
          coalesceWrites: true,
          onCircuitChange: (open) => metrics.circuitOpen.set(open ? 1 : 0),
        }),
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: ApiMetrics, useValue: metrics },
        FeaturesService,
        ...ROUTE_SOURCES,
      ],
    };
  }
}
