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
