import { Histogram, type HistogramConfiguration, type LabelValues, type MetricObjectWithValues, type MetricValueWithName } from 'prom-client';

/** One label set of a SeriesHistogram. */
export interface HistogramSeries {
  observe(value: number): void;
}

interface SeriesState {
  readonly labels: LabelValues<string>;
  /** Observations per bucket, not cumulative; the last one is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A prom-client histogram for the request path. prom-client's `observe` (labelled children
 * included) validates and hashes the labels on every call, about half a microsecond; here the
 * caller binds a label set once with `series()` and observing is a bucket search and three
 * additions. Registry, scrape and worker aggregation stay prom-client's: `get()` gives what
 * prom-client's own histogram gives for the same observations (a spec compares the two).
 * Observe only through `series()`: the inherited `observe` and `labels` are not exported.
 */
export class SeriesHistogram<T extends string> extends Histogram<T> {
  private readonly config: HistogramConfiguration<T> & { buckets: number[] };
  private readonly states = new Map<string, SeriesState>();

  constructor(config: HistogramConfiguration<T> & { buckets: number[] }) {
    super(config);
    this.config = config;
  }

  series(labels: LabelValues<T>): HistogramSeries {
    const key = JSON.stringify(labels);
    let state = this.states.get(key);
    if (!state) {
      state = { labels: { ...labels }, counts: new Float64Array(this.config.buckets.length + 1), sum: 0, count: 0 };
      this.states.set(key, state);
    }
    const target = state;
    const bounds = this.config.buckets;
    return {
      observe(value: number) {
        // An indexed loop: an iterator here allocated its results on every observation (rows' ages, per row).
        let bucket = 0;
        while (bucket < bounds.length && !(value <= bounds[bucket]!)) bucket++;
        target.counts[bucket] += 1;
        target.sum += value;
        target.count++;
      },
    };
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    const { name, buckets } = this.config;
    const bucketName = `${name}_bucket`;
    const values: MetricValueWithName<T>[] = [];
    for (const { labels, counts, sum, count } of this.states.values()) {
      let cumulative = 0;
      buckets.forEach((bound, index) => {
        cumulative += counts[index] ?? 0;
        values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: bucketName, exemplar: null } as MetricValueWithName<T>);
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: bucketName, exemplar: null } as MetricValueWithName<T>);
      values.push({ labels: { ...labels }, value: sum, metricName: `${name}_sum` } as MetricValueWithName<T>);
      values.push({ labels: { ...labels }, value: count, metricName: `${name}_count` } as MetricValueWithName<T>);
    }
    // The name, help, type and aggregator that prom-client's constructor set on the instance.
    const { help, type, aggregator } = this as unknown as MetricObjectWithValues<MetricValueWithName<T>>;
    return { name, help, type, values, aggregator } as MetricObjectWithValues<MetricValueWithName<T>>;
  }

  /** The registry prefers this to `get()` for the text format: the same values. */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    return this.get();
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor resets too, before this class's fields exist.
    (this.states as Map<string, SeriesState> | undefined)?.clear();
  }
}
