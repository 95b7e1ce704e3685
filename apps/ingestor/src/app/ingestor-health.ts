import { Inject, Injectable } from '@nestjs/common';
import { INGESTOR_CONFIG, type IngestorConfig } from './ingestor-config';

/** What the stream loops last saw of a view: when it last made progress, and whether entries wait. */
interface ViewProgress {
  lastProgressAt: number;
  waiting: boolean;
}

/**
 * Whether the ingestor does its job: unhealthy while a view's stream has entries waiting (not yet
 * read, or read and not acknowledged) and none was consumed for INGEST_STALL_MS, whatever the
 * reason (a consumer group gone, a Redis that fails, a loop stuck). The heartbeat file and the
 * metrics server's GET /health follow it, so a container health check sees a stalled view.
 */
@Injectable()
export class IngestorHealth {
  private readonly views = new Map<string, ViewProgress>();

  constructor(@Inject(INGESTOR_CONFIG) private readonly config: IngestorConfig) {}

  /** A view's loop consumed entries (or found none waiting). */
  progressed(view: string): void {
    this.views.set(view, { lastProgressAt: Date.now(), waiting: false });
  }

  /** What a view's stream holds: entries waiting or not (lag and pending of its group). */
  observed(view: string, waiting: boolean): void {
    const progress = this.views.get(view) ?? { lastProgressAt: Date.now(), waiting };
    progress.waiting = waiting;
    if (!waiting) progress.lastProgressAt = Date.now();
    this.views.set(view, progress);
  }

  /** The views that have entries waiting and made no progress for INGEST_STALL_MS. */
  stalled(): string[] {
    const now = Date.now();
    return [...this.views]
      .filter(([, { waiting, lastProgressAt }]) => waiting && now - lastProgressAt > this.config.INGEST_STALL_MS)
      .map(([view]) => view);
  }
}
