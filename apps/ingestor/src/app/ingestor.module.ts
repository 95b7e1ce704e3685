import { type DynamicModule, Module } from '@nestjs/common';
import { FeatureStoreModule } from '@feature-store/nest';
import { BulkLoader } from '../loader/bulk-loader.service';
import { IngestorMetrics } from '../metrics/ingestor-metrics';
import { Heartbeat } from '../simulator/heartbeat';
import { Simulator } from '../simulator/simulator.service';
import { StreamWorker } from '../streams/stream-worker.service';
import { IngestorHealth } from './ingestor-health';
import { INGESTOR_CONFIG, type IngestorConfig } from './ingestor-config';

@Module({})
export class IngestorModule {
  static forRoot(config: IngestorConfig, metrics: IngestorMetrics): DynamicModule {
    return {
      module: IngestorModule,
      imports: [
        FeatureStoreModule.forRoot({
          redisTarget: config.redisTarget,
          registryPath: config.REGISTRY_PATH,
          namespace: config.KEY_NAMESPACE,
          connectionName: 'feature-store-ingestor',
          redisCommandTimeoutMs: config.INGEST_COMMAND_TIMEOUT_MS,
          durability: config.durability,
        }),
      ],
      providers: [
        { provide: INGESTOR_CONFIG, useValue: config },
        { provide: IngestorMetrics, useValue: metrics },
        IngestorHealth,
        Heartbeat,
        Simulator,
        StreamWorker,
        BulkLoader,
      ],
    };
  }
}
