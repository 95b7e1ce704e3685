import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FeatureStore } from '@feature-store/core';
import { PinoLoggerService } from '@feature-store/nest';
import { IngestorHealth } from './app/ingestor-health';
import { loadIngestorConfig } from './app/ingestor-config';
import { IngestorModule } from './app/ingestor.module';
import { BulkLoader } from './loader/bulk-loader.service';
import { LOAD_USAGE, parseLoadArguments, runLoad } from './loader/load-command';
import { Simulator } from './simulator/simulator.service';
import { IngestorMetrics } from './metrics/ingestor-metrics';
import { startMetricsServer } from './metrics/metrics-server';
import type { Server } from 'node:http';
import { StreamWorker } from './streams/stream-worker.service';

const MODES = ['run', 'simulate', 'consume', 'seed', 'load'] as const;
type Mode = (typeof MODES)[number];

const USAGE = `usage: main.js [mode]
  run       (default) seed, simulate updates and consume the views' streams, until SIGTERM/SIGINT
  simulate  seed INGEST_SEED_COUNT ids (those missing), then update INGEST_BATCH_SIZE random ids
            every INGEST_INTERVAL_MS
  consume   consume the streams of INGEST_STREAM_VIEWS (default: every view)
  seed      seed, then exit
  ${LOAD_USAGE}`;

async function main(argv: readonly string[]): Promise<void> {
  const mode = (argv[0] ?? 'run') as Mode;
  if (!MODES.includes(mode)) throw new Error(USAGE);
  const loadArguments = mode === 'load' ? parseLoadArguments(argv.slice(1)) : null;
  const config = loadIngestorConfig(process.env);
  const metrics = new IngestorMetrics();
  const app = await NestFactory.createApplicationContext(IngestorModule.forRoot(config, metrics), {
    logger: new PinoLoggerService(config.LOG_LEVEL, 'feature-store-ingestor'),
    abortOnError: false,
  });
  let metricsServer: Server | undefined;
  const simulator = app.get(Simulator);
  const streams = app.get(StreamWorker);
  const stop = (signal: NodeJS.Signals) => {
    Logger.log(`${signal}: finishing the batch under way`, 'Main');
    simulator.stop();
    streams.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    if (loadArguments) {
      const summary = await runLoad(app.get(BulkLoader), loadArguments);
      if (summary.rejected > 0) process.exitCode = 3;
      return;
    }
    if (mode !== 'seed' && config.INGEST_METRICS_PORT !== 0) {
      metrics.followLoads(app.get(FeatureStore));
      // Metrics are not worth stopping ingestion for: a taken port is reported and ingestion goes on.
      metricsServer = await startMetricsServer(metrics, app.get(IngestorHealth), config.INGEST_METRICS_PORT, config.INGEST_METRICS_HOST).catch((error: Error) => {
        Logger.warn(`No metrics endpoint: ${error.message}`, 'Main');
        return undefined;
      });
      if (metricsServer) Logger.log(`Metrics on http://${config.INGEST_METRICS_HOST}:${config.INGEST_METRICS_PORT}/metrics`, 'Main');
    }
    const seeding = mode === 'run' || mode === 'simulate' || mode === 'seed';
    const consuming = mode === 'run' || mode === 'consume' ? streams.run() : Promise.resolve();
    if (seeding) await simulator.seed();
    if (mode === 'run' || mode === 'simulate') await simulator.run();
    await consuming;
  } finally {
    metricsServer?.close();
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Main');
  process.exit(1);
});
