// Latency samples at full precision (autocannon's own histogram keeps whole milliseconds, too
// coarse for a 1 ms target) and the summaries the report prints.

/** Percentiles, max and mean in ms; all null when nothing was recorded. */
export type LatencySummary =
  | { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number }
  | { readonly p50: null; readonly p90: null; readonly p99: null; readonly max: null; readonly mean: null };

/** Collects latencies in ms, as float64, growing by doubling. */
export class LatencyRecorder {
  private values: Float64Array;
  private count = 0;

  constructor(capacity = 1 << 16) {
    this.values = new Float64Array(capacity);
  }

  record(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count] = ms;
    this.count += 1;
  }

  /** Nearest-rank percentiles. */
  summary(): LatencySummary {
    if (this.count === 0) return { p50: null, p90: null, p99: null, max: null, mean: null };
    const sorted = this.values.slice(0, this.count).sort();
    const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
    return {
      p50: rank(50),
      p90: rank(90),
      p99: rank(99),
      max: sorted[sorted.length - 1],
      mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    };
  }
}

/** The median of the finite numbers among `values`; null when there is none. */
export function median(values: readonly (number | null | undefined)[]): number | null {
  const present = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
  if (present.length === 0) return null;
  const middle = Math.floor(present.length / 2);
  return present.length % 2 === 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2;
}
