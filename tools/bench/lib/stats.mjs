// Latency samples at full precision (autocannon's own histogram keeps whole milliseconds, too
// coarse for a 1 ms target) and the summaries the report prints.

export const PERCENTILES = [50, 90, 99];

/** Collects latencies in ms, as float64, growing by doubling. */
export class LatencyRecorder {
  constructor(capacity = 1 << 16) {
    this.values = new Float64Array(capacity);
    this.count = 0;
  }

  record(ms) {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count] = ms;
    this.count += 1;
  }

  /** { p50, p90, p99, max, mean } in ms (nearest rank), or nulls when nothing was recorded. */
  summary() {
    if (this.count === 0) return { p50: null, p90: null, p99: null, max: null, mean: null };
    const sorted = this.values.slice(0, this.count).sort();
    const result = {};
    for (const p of PERCENTILES) result[`p${p}`] = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
    result.max = sorted[sorted.length - 1];
    result.mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
    return result;
  }
}

export function median(values) {
  const present = values.filter((value) => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
  if (present.length === 0) return null;
  const middle = Math.floor(present.length / 2);
  return present.length % 2 === 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2;
}
