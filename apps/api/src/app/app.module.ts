import { type DynamicModule, Module } from '@nestjs/common';
import { FeatureStoreModule } from '@feature-store/nest';
import { EntityFeaturesController } from '../features/entity-features.controller';
import { FeaturesService } from '../features/features.service';
import { HealthController } from '../health/health.controller';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { PushController } from '../push/push.controller';
import { APP_GUARD } from '@nestjs/core';
import { API_CONFIG, type ApiConfig } from './api-config';
import { ApiMetrics } from '../metrics/api-metrics';
import { MetricsController } from '../metrics/metrics.controller';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, metrics: ApiMetrics): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FeatureStoreModule.forRoot({ ...config, connectionName: 'feature-store-api' }),
      ],
      controllers: [EntityFeaturesController, PushController, HealthController, MetricsController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: ApiMetrics, useValue: metrics },
        FeaturesService,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
