import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ConsumeResult, FeatureStore, type StreamConsumer } from '@feature-store/core';
import { hostname } from 'node:os';
import { IngestorHealth } from '../app/ingestor-health';
import { INGESTOR_CONFIG, type IngestorConfig } from '../app/ingestor-config';
import { Pause } from '../common/pause';
import { retrying } from '../common/retry';
import { IngestorMetrics } from '../metrics/ingestor-metrics';
import { Heartbeat } from '../simulator/heartbeat';

interface Totals {
  read: number;
  written: number;
  stale: number;
  deadLettered: number;
}

/**
 * Consumes the stream of each configured view (every view by default) until `stop()`: one loop
 * per view, retrying with backoff while Redis fails, logging throughput and lag, trimming the
 * streams. A watch apart from the loops (which may be stuck retrying) measures every
 * INGEST_LOG_INTERVAL_MS whether entries wait in each view's stream, for IngestorHealth.
 */
@Injectable()
export class StreamWorker {
  private readonly logger = new Logger(StreamWorker.name);
  private readonly pause = new Pause();
  private stopping = false;

  constructor(
    private readonly store: FeatureStore,
    @Inject(INGESTOR_CONFIG) private readonly config: IngestorConfig,
    private readonly heartbeat: Heartbeat,
    private readonly metrics: IngestorMetrics,
    private readonly health: IngestorHealth,
  ) {}

  /** Resolves once every loop has finished its batch under way after `stop()`. */
  async run(): Promise<void> {
    const views = this.config.INGEST_STREAM_VIEWS ?? this.store.registry.views.map((view) => view.name);
    const consumer = `${hostname()}-${process.pid}`;
    const consumers = views.map((view) =>
      this.store.consumer({ view, consumer, group: this.config.INGEST_STREAM_GROUP, claimIdleMs: this.config.INGEST_CLAIM_IDLE_MS }),
    );
    this.logger.log(`Consuming ${views.map((view) => this.store.keys.stream(view)).join(', ')} as ${consumer}`);
    const watch = setInterval(() => void this.watch(views, consumers), this.config.INGEST_LOG_INTERVAL_MS);
    try {
      await Promise.all(consumers.map((streamConsumer, index) => this.loop(views[index]!, streamConsumer)));
    } finally {
      clearInterval(watch);
      await Promise.all(consumers.map((streamConsumer) => streamConsumer.close()));
    }
  }

  /** Whether entries wait in each view's stream (when Redis cannot tell: as if they did). */
  private async watch(views: readonly string[], consumers: readonly StreamConsumer[]): Promise<void> {
    await Promise.all(
      consumers.map(async (consumer, index) => {
        const view = views[index]!;
        try {
          const { lag, pending } = await consumer.lag();
          if (lag !== null) this.metrics.streamLag.set({ view }, lag);
          this.metrics.streamPending.set({ view }, pending);
          // No lag figure: the group is gone, or Redis 7.0 cannot count past a deleted entry.
          this.health.observed(view, (lag ?? 1) > 0 || pending > 0);
        } catch {
          this.health.observed(view, true);
        }
      }),
    );
    const stalled = new Set(this.health.stalled());
    for (const view of views) this.metrics.streamStalled.set({ view }, stalled.has(view) ? 1 : 0);
  }

  stop(): void {
    this.stopping = true;
    this.pause.interrupt();
  }

  private async loop(view: string, consumer: StreamConsumer): Promise<void> {
    const totals: Totals = { read: 0, written: 0, stale: 0, deadLettered: 0 };
    let lastLog = Date.now();
    const retry = <T>(what: string, operation: () => Promise<T>) =>
      retrying(`Stream ${view}: ${what}`, operation, { logger: this.logger, pause: this.pause, stopping: () => this.stopping });
    try {
      await retry('creating the group', () => consumer.ensureGroup());
      while (!this.stopping) {
        const result = await retry('consuming', () => consumer.consumeOnce());
        add(totals, result);
        this.metrics.count('stream', view, result);
        if (result.read > 0) this.health.progressed(view);
        if (result.groupRecreated) {
          this.metrics.groupsRecreated.inc({ view });
          this.logger.warn(`Stream ${view}: the consumer group was gone (stream deleted, or Redis restarted without persistence); created it again`);
        }
        if (Date.now() - lastLog >= this.config.INGEST_LOG_INTERVAL_MS) {
          await retry('reporting', () => this.report(view, consumer, totals, Date.now() - lastLog));
          lastLog = Date.now();
          Object.assign(totals, { read: 0, written: 0, stale: 0, deadLettered: 0 });
        }
      }
    } catch (error) {
      // retrying() throws only once stop() was called: the loop ends with the error of its last attempt.
      this.logger.warn(`Stream ${view} stopped while Redis failed: ${(error as Error).message}`);
    }
  }

  private async report(view: string, consumer: StreamConsumer, totals: Totals, elapsedMs: number): Promise<void> {
    const { lag, pending } = await consumer.lag();
    const trimmed = await consumer.trim({
      maxLength: this.config.INGEST_STREAM_MAX_LENGTH,
      maxAgeMs: this.config.INGEST_STREAM_MAX_AGE_MS === 0 ? null : this.config.INGEST_STREAM_MAX_AGE_MS,
    });
    this.metrics.trimmed.inc({ view, stream: 'stream' }, trimmed.stream);
    this.metrics.trimmed.inc({ view, stream: 'dead_letter' }, trimmed.deadLetter);
    await this.heartbeat.beat();
    if (totals.read === 0 && !lag && pending === 0) return;
    const rate = Math.round((totals.read * 1_000) / elapsedMs);
    this.logger.log(
      `Stream ${view}: ${rate} rows/s (written ${totals.written}, stale ${totals.stale}, ` +
        `dead-lettered ${totals.deadLettered}); lag ${lag ?? 'unknown'}, pending ${pending}`,
    );
  }
}

function add(totals: Totals, result: ConsumeResult): void {
  totals.read += result.read;
  totals.written += result.written;
  totals.stale += result.stale;
  totals.deadLettered += result.deadLettered;
}
