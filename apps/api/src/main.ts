import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { loadApiConfig } from './app/api-config';
import { createApp } from './app/create-app';

async function main(): Promise<void> {
  const config = loadApiConfig(process.env);
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  Logger.log(`Feature store API listening on http://${config.host}:${config.port}`, 'Main');

  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close Redis, exit 0; past
  // SHUTDOWN_TIMEOUT_MS the process exits with 1 whatever is still running.
  const shutdown = (signal: NodeJS.Signals) => {
    Logger.log(`${signal}: draining`, 'Main');
    // A keep-alive connection turns idle once its request in flight is answered: close it then,
    // instead of waiting for the client to (Fastify closes idle connections only once, at the start).
    const server = app.getHttpServer() as Server;
    setInterval(() => server.closeIdleConnections(), 50).unref();
    setTimeout(() => {
      Logger.error(`Shutdown took over ${config.shutdownTimeoutMs} ms; exiting`, 'Main');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        Logger.error(`Shutdown failed: ${String(error)}`, 'Main');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Main');
  process.exit(1);
});
