import { Inject, Injectable, Logger } from '@nestjs/common';
import { type EntityKey, FeatureStore, type ViewDefinition, type WriteRow } from '@feature-store/core';
import { INGESTOR_CONFIG, type IngestorConfig } from '../app/ingestor-config';
import { Pause } from '../common/pause';
import { retrying } from '../common/retry';
import { IngestorMetrics } from '../metrics/ingestor-metrics';
import { Heartbeat } from './heartbeat';
import { type Random, randomFeatures, simulatedKey } from './value-generator';

/** Keys checked and written per round trip while seeding. */
const SEED_CHUNK = 5_000;

export interface SeedResult {
  readonly written: number;
  readonly present: number;
}

/**
 * Simulated traffic, for any registry: seeds INGEST_SEED_COUNT keys of each simulated view's
 * entities (only the ones not already in the key space's index, so a restart re-seeds nothing),
 * then rewrites random keys in batches. Keys are `simulatedKey`s: string ids like "user00042",
 * int ids, or one of each for a composite key.
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

  /** The views written: INGEST_VIEW, else every view of the registry. */
  private views(): ViewDefinition[] {
    const names = this.config.INGEST_VIEW ?? this.store.registry.views.map((view) => view.name);
    return names.map((name) => this.store.registry.view(name));
  }

  async seed(random: Random = Math.random): Promise<SeedResult> {
    const count = this.config.INGEST_SEED_COUNT;
    const started = Date.now();
    let written = 0;
    let present = 0;
    for (const view of this.views()) {
      const before = { written, present };
      const space = this.store.registry.keySpace(view.entity);
      for (let start = 0; start < count && !this.stopping; start += SEED_CHUNK) {
        const keys = Array.from({ length: Math.min(start + SEED_CHUNK, count) - start }, (_, offset) => simulatedKey(space, start + offset, count));
        const result = await this.retry('Seeding', async () => {
          const known = await this.store.known(view.entity, keys);
          const missing = keys.filter((_, index) => !known[index]);
          const outcome = await this.store.write(view.name, this.rows(view, missing, random));
          return { ...outcome, missing: missing.length };
        });
        written += result.written;
        this.metrics.count('simulator', view.name, result);
        present += keys.length - result.missing;
        await this.heartbeat.beat();
      }
      this.logger.log(
        `Seeded ${written - before.written} ${view.entity}s for ${view.name} (${present - before.present} already present) in ${Date.now() - started} ms`,
      );
    }
    return { written, present };
  }

  /** Writes a batch of random keys of each view every INGEST_INTERVAL_MS until `stop()`; the batch under way completes. */
  async run(random: Random = Math.random): Promise<void> {
    const views = this.views();
    const idSpace = Math.max(this.config.INGEST_SEED_COUNT, 1);
    while (!this.stopping) {
      for (const view of views) {
        const space = this.store.registry.keySpace(view.entity);
        const keys = Array.from({ length: this.config.INGEST_BATCH_SIZE }, () => simulatedKey(space, Math.floor(random() * idSpace), idSpace));
        const rows = this.rows(view, keys, random);
        const { written, total } = await this.retry('Update batch', async () => {
          const result = await this.store.write(view.name, rows);
          this.metrics.count('simulator', view.name, result);
          return { written: result.written, total: await this.store.count(view.entity) };
        });
        // The original prototype's line, per view.
        this.logger.log(`Ingested/Updated ${written} features. Total unique ${view.entity}s: ${total}`);
      }
      await this.heartbeat.beat();
      await this.pause.for(this.config.INGEST_INTERVAL_MS);
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

  private rows(view: ViewDefinition, keys: readonly EntityKey[], random: Random): WriteRow[] {
    const now = Date.now();
    return keys.map((id) => ({ id, eventTime: now, features: randomFeatures(view.features, random, now) }));
  }
}
