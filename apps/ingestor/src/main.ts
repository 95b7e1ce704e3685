import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadIngestorConfig } from './app/ingestor-config';
import { IngestorModule } from './app/ingestor.module';
import { Simulator } from './simulator/simulator.service';

const USAGE = `usage: main.js [simulate|seed]
  simulate  seed INGEST_SEED_COUNT ids (those missing), then update INGEST_BATCH_SIZE random ids
            every INGEST_INTERVAL_MS until SIGTERM/SIGINT (default)
  seed      seed, then exit`;

async function main(argv: readonly string[]): Promise<void> {
  const mode = argv[0] ?? 'simulate';
  if (mode !== 'simulate' && mode !== 'seed') {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const config = loadIngestorConfig(process.env);
  const app = await NestFactory.createApplicationContext(IngestorModule.forRoot(config), {
    logger: ['error', 'warn', 'log'],
    abortOnError: false,
  });
  const simulator = app.get(Simulator);
  const stop = (signal: NodeJS.Signals) => {
    Logger.log(`${signal}: finishing the batch under way`, 'Main');
    simulator.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await simulator.seed();
    if (mode === 'simulate') await simulator.run();
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Main');
  process.exit(1);
});
