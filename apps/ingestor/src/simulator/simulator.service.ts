import { Inject, Injectable, Logger } from '@nestjs/common';
import { FeatureStore, type ViewDefinition, type WriteRow } from '@feature-store/core';
import { INGESTOR_CONFIG, type IngestorConfig } from '../app/ingestor-config';
import { Pause } from '../common/pause';
import { retrying } from '../common/retry';
import { IngestorMetrics } from '../metrics/ingestor-metrics';
import { Heartbeat } from './heartbeat';
import { type Random, randomFeatures, simulatedId } from './value-generator';

/** Ids checked and written per round trip while seeding. */
const SEED_CHUNK = 5_000;

export interface SeedResult {
  readonly written: number;
  readonly present: number;
}

/**
 * Simulated traffic: seeds `seedCount` ids of the view's entity (only the ones not already in
 * the entity's index set, so a restart re-seeds nothing), then rewrites random ids in batches.
 */
@Injectable()
export class Simulator {
  private readonly logger = new Logger(Simulator.name);
  private stopping = false;
  private readonly pause = new Pause();

  constructor(
    private readonly store: FeatureStore,
    @Inject(INGESTOR_CONFIG) private readonly config: IngestorConfig,
    private readonly heartbeat: Heartbeat,
    private readonly metrics: IngestorMetrics,
  ) {}

  async seed(random: Random = Math.random): Promise<SeedResult> {
    const view = this.store.registry.view(this.config.view);
    const started = Date.now();
    let written = 0;
    let present = 0;
    for (let start = 0; start < this.config.seedCount && !this.stopping; start += SEED_CHUNK) {
      const end = Math.min(start + SEED_CHUNK, this.config.seedCount);
      const ids = Array.from({ length: end - start }, (_, offset) =>
        simulatedId(view.entity, start + offset, this.config.seedCount),
      );
      const result = await this.retry('Seeding', async () => {
        const known = await this.store.known(view.entity, ids);
        const missing = ids.filter((_, index) => !known[index]);
        const written = await this.store.write(view.name, this.rows(view, missing, random));
        return { ...written, missing: missing.length };
      });
      written += result.written;
      this.metrics.count('simulator', view.name, result);
      present += ids.length - result.missing;
      await this.heartbeat.beat();
    }
    this.logger.log(
      `Seeded ${written} ${view.entity}s (${present} already present) in ${Date.now() - started} ms`,
    );
    return { written, present };
  }

  /** Writes a batch of random ids every `intervalMs` until `stop()`; the batch under way completes. */
  async run(random: Random = Math.random): Promise<void> {
    const view = this.store.registry.view(this.config.view);
    const idSpace = Math.max(this.config.seedCount, 1);
    while (!this.stopping) {
      const ids = Array.from({ length: this.config.batchSize }, () =>
        simulatedId(view.entity, Math.floor(random() * idSpace), idSpace),
      );
      const rows = this.rows(view, ids, random);
      const { written, total } = await this.retry('Update batch', async () => {
        const result = await this.store.write(view.name, rows);
        this.metrics.count('simulator', view.name, result);
        return { written: result.written, total: await this.store.count(view.entity) };
      });
      await this.heartbeat.beat();
      this.logger.log(`Ingested/Updated ${written} features. Total unique ${view.entity}s: ${total}`);
      await this.pause.for(this.config.intervalMs);
    }
  }

  /** Asks `seed` and `run` to return after the batch under way. */
  stop(): void {
    this.stopping = true;
    this.pause.interrupt();
  }

  /** Retries while Redis fails, until it answers or `stop()` is called (then it throws). */
  private retry<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return retrying(what, operation, { logger: this.logger, pause: this.pause, stopping: () => this.stopping });
  }

  private rows(view: ViewDefinition, ids: readonly string[], random: Random): WriteRow[] {
    const now = Date.now();
    return ids.map((id) => ({ id, eventTime: now, features: randomFeatures(view.features, random, now) }));
  }
}
