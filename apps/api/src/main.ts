import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { type ApiConfig, loadApiConfig } from './app/api-config';
import { createApp } from './app/create-app';
import { runPrimary } from './app/workers';

async function main(): Promise<void> {
  const config = loadApiConfig(process.env);
  if (config.API_WORKERS > 1 && cluster.isPrimary) runPrimary(config);
  else await serve(config);
}

/** One process serving the port: the whole API, or one of its workers. */
async function serve(config: ApiConfig): Promise<void> {
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  Logger.log(`Feature store API listening on http://${config.HOST}:${config.PORT}`, 'Main');

  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close Redis, exit 0; past
  // SHUTDOWN_TIMEOUT_MS the process exits with 1 whatever is still running.
  // A second signal (Ctrl-C reaches a worker from the terminal and from the primary) changes nothing.
  let draining = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    Logger.log(`${signal}: draining`, 'Main');
    // A keep-alive connection turns idle once its request in flight is answered: close it then,
    // instead of waiting for the client to (Fastify closes idle connections only once, at the start).
    const server = app.getHttpServer() as Server;
    setInterval(() => server.closeIdleConnections(), 50).unref();
    setTimeout(() => {
      Logger.error(`Shutdown took over ${config.SHUTDOWN_TIMEOUT_MS} ms; exiting`, 'Main');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        Logger.error(`Shutdown failed: ${String(error)}`, 'Main');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Main');
  process.exit(1);
});
