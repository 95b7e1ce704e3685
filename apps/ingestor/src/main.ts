import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PinoLoggerService } from '@feature-store/nest';
import { loadIngestorConfig } from './app/ingestor-config';
import { IngestorModule } from './app/ingestor.module';
import { BulkLoader } from './loader/bulk-loader.service';
import { LOAD_USAGE, parseLoadArguments, runLoad } from './loader/load-command';
import { Simulator } from './simulator/simulator.service';
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
  const app = await NestFactory.createApplicationContext(IngestorModule.forRoot(config), {
    logger: new PinoLoggerService(config.logLevel, 'feature-store-ingestor'),
    abortOnError: false,
  });
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
    const seeding = mode === 'run' || mode === 'simulate' || mode === 'seed';
    const consuming = mode === 'run' || mode === 'consume' ? streams.run() : Promise.resolve();
    if (seeding) await simulator.seed();
    if (mode === 'run' || mode === 'simulate') await simulator.run();
    await consuming;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Main');
  process.exit(1);
});
