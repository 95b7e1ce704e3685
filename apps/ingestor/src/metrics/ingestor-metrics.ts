import type { FeatureStore, LoadedRows } from '@feature-store/core';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export type Source = 'simulator' | 'stream';

const LOAD_OUTCOMES = ['written', 'stale', 'rejected'] as const;

/** The ingestor's Prometheus metrics; `rate()` of the row counters gives rows per second. */
export class IngestorMetrics {
  readonly registry = new Registry();

  readonly rows = new Counter({
    name: 'feature_store_ingested_rows_total',
    help: 'Rows handled by source (simulator, stream, load), view and outcome (written, stale, dead_lettered, rejected)',
    labelNames: ['source', 'view', 'outcome'] as const,
    registers: [this.registry],
    collect: () => this.collectLoads(),
  });

  /** The load counts in Redis at the last scrape, per view; null before the first. */
  private loadsSeen: Map<string, LoadedRows> | null = null;
  private store: FeatureStore | null = null;

  readonly streamLag = new Gauge({
    name: 'feature_store_stream_lag',
    help: 'Entries of a view stream not yet delivered to the consumer group',
    labelNames: ['view'] as const,
    registers: [this.registry],
  });

  readonly streamPending = new Gauge({
    name: 'feature_store_stream_pending',
    help: 'Entries of a view stream delivered but not yet acknowledged',
    labelNames: ['view'] as const,
    registers: [this.registry],
  });

  readonly streamStalled = new Gauge({
    name: 'feature_store_stream_stalled',
    help: '1 while a view stream has entries waiting and none was consumed for INGEST_STALL_MS (the ingestor is then unhealthy)',
    labelNames: ['view'] as const,
    registers: [this.registry],
  });

  readonly groupsRecreated = new Counter({
    name: 'feature_store_stream_groups_recreated_total',
    help: 'Times the consumer group of a view stream was gone (stream deleted, Redis restarted without persistence) and was created again',
    labelNames: ['view'] as const,
    registers: [this.registry],
  });

  readonly trimmed = new Counter({
    name: 'feature_store_stream_trimmed_entries_total',
    help: 'Entries dropped from a view stream or its dead-letter stream by retention (acknowledged ones only)',
    labelNames: ['view', 'stream'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Counts, at each scrape, the rows bulk loads (`ingestor load`, processes of their own that
   * serve no metrics) recorded in Redis since the scrape before, as source "load"; the first
   * scrape only takes the counts as they stand. The series start at 0, so that a rate sees the
   * first load's rows.
   */
  followLoads(store: FeatureStore): void {
    this.store = store;
    for (const view of store.registry.views) {
      for (const outcome of LOAD_OUTCOMES) this.rows.inc({ source: 'load', view: view.name, outcome }, 0);
    }
  }

  private async collectLoads(): Promise<void> {
    if (!this.store) return;
    const store = this.store;
    const views = store.registry.views.map((view) => view.name);
    let counts: LoadedRows[];
    try {
      counts = await Promise.all(views.map((view) => store.loaded(view)));
    } catch {
      return; // Redis unreachable: the scrape answers with what it has, the next one catches up.
    }
    const seen = this.loadsSeen;
    this.loadsSeen = new Map(views.map((view, index) => [view, counts[index]!]));
    if (!seen) return;
    views.forEach((view, index) => {
      const now = counts[index]!;
      const before = seen.get(view) ?? { written: 0, stale: 0, rejected: 0 };
      for (const outcome of LOAD_OUTCOMES) {
        // Counts that went down were made again (the key deleted, Redis restarted): all of them are new.
        const added = now[outcome] >= before[outcome] ? now[outcome] - before[outcome] : now[outcome];
        if (added > 0) this.rows.inc({ source: 'load', view, outcome }, added);
      }
    });
  }

  count(source: Source, view: string, counts: { written?: number; stale?: number; deadLettered?: number; rejected?: number }): void {
    const outcomes = [
      ['written', counts.written],
      ['stale', counts.stale],
      ['dead_lettered', counts.deadLettered],
      ['rejected', counts.rejected],
    ] as const;
    for (const [outcome, value] of outcomes) {
      if (value) this.rows.inc({ source, view, outcome }, value);
    }
  }
}
