import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export type Source = 'simulator' | 'stream' | 'load';

/** The ingestor's Prometheus metrics; `rate()` of the row counters gives rows per second. */
export class IngestorMetrics {
  readonly registry = new Registry();

  readonly rows = new Counter({
    name: 'feature_store_ingested_rows_total',
    help: 'Rows handled by source, view and outcome (written, stale, dead_lettered, rejected)',
    labelNames: ['source', 'view', 'outcome'] as const,
    registers: [this.registry],
  });

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
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
