import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadApiConfig } from './app/api-config';
import { createApp } from './app/create-app';

async function main(): Promise<void> {
  const config = loadApiConfig(process.env);
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  Logger.log(`Feature store API listening on http://${config.host}:${config.port}`, 'Main');
}

main().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Main');
  process.exit(1);
});
