import cluster, { type Worker } from 'node:cluster';
import { PinoLoggerService } from '@feature-store/nest';
import { AggregatorRegistry } from 'prom-client';
import { METRICS_MESSAGE, type MetricsReply, type MetricsRequest } from '../metrics/worker-metrics';
import type { ApiConfig } from './api-config';

/** Grace the primary adds to SHUTDOWN_TIMEOUT_MS for its workers' own deadline to fire first. */
const EXIT_GRACE_MS = 1_000;

/**
 * The primary process of API_WORKERS > 1: it serves nothing itself. It forks the workers, which
 * share the port (connections are dealt out round-robin), and:
 * - replaces a worker that dies once it has served; a worker that dies before listening is a boot
 *   failure (bad registry, say), so the primary stops the others and exits 1 rather than loop;
 * - passes SIGTERM/SIGINT on to every worker, which drain as a single process does, and exits 0
 *   once all have exited 0 (1 otherwise, or past SHUTDOWN_TIMEOUT_MS);
 * - answers the workers' GET /metrics with the sum of every worker's metrics.
 */
export function runPrimary(config: ApiConfig): void {
  const log = new PinoLoggerService(config.LOG_LEVEL, 'feature-store-api');
  const aggregator = new AggregatorRegistry();
  const running = new Set<Worker>();
  const listened = new WeakSet<Worker>();
  let stopping: NodeJS.Signals | null = null;
  let exitCode = 0;

  const fork = () => {
    const worker = cluster.fork();
    running.add(worker);
    worker.once('listening', () => {
      listened.add(worker);
      log.log(`Worker ${worker.process.pid} listening`, 'Primary');
    });
    worker.on('message', (message: MetricsRequest) => {
      if (message?.type !== METRICS_MESSAGE) return;
      // The asking worker may have died meanwhile: sending to it then would fail the primary.
      const reply = (answer: MetricsReply) => worker.isConnected() && worker.send(answer);
      aggregator.clusterMetrics().then(
        (text) => reply({ type: METRICS_MESSAGE, id: message.id, text }),
        (error: Error) => reply({ type: METRICS_MESSAGE, id: message.id, error: error.message }),
      );
    });
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = signal;
    log.log(`${signal}: stopping ${running.size} workers`, 'Primary');
    for (const worker of running) worker.process.kill(signal);
    setTimeout(() => {
      log.error(`Workers still running ${config.SHUTDOWN_TIMEOUT_MS + EXIT_GRACE_MS} ms after ${signal}; exiting`, 'Primary');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + EXIT_GRACE_MS).unref();
  };

  cluster.on('exit', (worker, code, signal) => {
    running.delete(worker);
    const how = signal ?? `exit code ${code}`;
    if (stopping) {
      // A worker still booting has no handler yet: the signal ends it, having served nothing.
      const stoppedBooting = signal === stopping && !listened.has(worker);
      if (code !== 0 && !stoppedBooting) exitCode = 1;
    } else if (listened.has(worker)) {
      log.error(`Worker ${worker.process.pid} died (${how}); starting another`, 'Primary');
      fork();
    } else {
      log.error(`Worker ${worker.process.pid} failed to start (${how}); stopping`, 'Primary');
      exitCode = 1;
      stop('SIGTERM');
    }
    if (running.size === 0) process.exit(exitCode);
  });

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let index = 0; index < config.API_WORKERS; index++) fork();
  log.log(`Started ${config.API_WORKERS} workers on port ${config.PORT}`, 'Primary');
}
