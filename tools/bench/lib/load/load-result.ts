import type { LatencySummary } from '../stats';

/** What one load run measured, whichever tool ran it. */
export interface LoadResult {
  readonly tool: 'autocannon' | 'wrk' | 'paced';
  /** 2xx answers per second. */
  readonly rps: number;
  /** 2xx answers. */
  readonly requests: number;
  readonly durationS: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly non2xx: number;
  /** Answers per non-2xx status (wrk does not tell). */
  readonly failedStatuses?: Readonly<Record<string, number>>;
  readonly latency: LatencySummary;
  /** Paced runs: the rate asked for, and how late requests left against their schedule. */
  readonly targetRps?: number;
  readonly lagMs?: { readonly p99: number | null; readonly max: number | null };
}
