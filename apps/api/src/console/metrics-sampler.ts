import { type ApiSnapshot, type IngestorSnapshot, apiSnapshot, ingestorSnapshot } from './metrics-snapshot';
import { type Sample, type ScrapeStatus, type SummaryBody, type SummaryOptions, summarize } from './metrics-summary';

/** How often both scrapes are sampled: a plot's resolution. */
export const SAMPLE_EVERY_MS = 5_000;
/** Each point is a rate or percentile over this much time, as `rate(x[1m])` in Prometheus. */
export const WINDOW_MS = 60_000;
/** How far back the plots go. */
export const HISTORY_MS = 10 * 60_000;
/** A slow ingestor must not hold up the next sample. */
const INGESTOR_TIMEOUT_MS = 2_000;

export interface SamplerOptions {
  /** The API's Prometheus text, as GET /metrics answers it (every worker's, summed). */
  readonly scrapeApi: () => Promise<string>;
  /** The ingestor's GET /metrics; null: not read (INGESTOR_METRICS_URL=off). */
  readonly ingestorUrl: string | null;
  readonly views: SummaryOptions['views'];
  readonly now?: () => number;
}

/**
 * Keeps recent samples of the API's and the ingestor's metrics, in bounded memory: one every
 * SAMPLE_EVERY_MS, for HISTORY_MS plus one window (at most 134 samples, each a few counters per
 * route, view and source), so that a summary has history the moment someone opens the console,
 * and every viewer gets the same numbers from one pair of scrapes.
 */
export class MetricsSampler {
  private readonly samples: Sample[] = [];
  private readonly now: () => number;
  /** Aborts a scrape of the ingestor under way when the API closes. */
  private readonly closing = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | null = null;
  private apiStatus: ScrapeStatus = { status: 'down', detail: 'not scraped yet' };
  private ingestorStatus: ScrapeStatus;
  private cached: { readonly last: Sample; readonly body: SummaryBody } | null = null;

  constructor(private readonly options: SamplerOptions) {
    this.now = options.now ?? Date.now;
    this.ingestorStatus = options.ingestorUrl === null ? { status: 'off' } : { status: 'down', detail: 'not scraped yet' };
  }

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.closing.abort();
  }

  /** Takes a sample of both; while one is under way (a slow ingestor), that one stands for this. */
  sample(): Promise<void> {
    this.inFlight ??= this.take().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /** Rates and percentiles over the last HISTORY_MS (computed once per sample, whoever asks). */
  summary(): SummaryBody {
    const last = this.samples.at(-1);
    if (this.cached && this.cached.last === last) return this.cached.body;
    const body = summarize(this.samples, {
      sampledEveryMs: SAMPLE_EVERY_MS,
      windowMs: WINDOW_MS,
      since: (last?.time ?? 0) - HISTORY_MS,
      views: this.options.views,
      scrapes: { api: this.apiStatus, ingestor: this.ingestorStatus },
    });
    if (last) this.cached = { last, body };
    return body;
  }

  private async take(): Promise<void> {
    const time = this.now();
    const [api, ingestor] = await Promise.all([this.scrapeApi(), this.scrapeIngestor()]);
    this.samples.push({ time, api, ingestor });
    // The oldest point shown needs one window of samples before it.
    const keepFrom = time - HISTORY_MS - WINDOW_MS;
    while (this.samples.length > 2 && this.samples[1]!.time <= keepFrom) this.samples.shift();
  }

  /** Null when the scrape fails (a worker's metrics not collected in time): a gap in the plots. */
  private async scrapeApi(): Promise<ApiSnapshot | null> {
    try {
      const snapshot = apiSnapshot(await this.options.scrapeApi());
      this.apiStatus = { status: 'up' };
      return snapshot;
    } catch (error) {
      this.apiStatus = { status: 'down', detail: (error as Error).message };
      return null;
    }
  }

  /** Null when not read or not reachable; the summary's `scrapes` says which, and why. */
  private async scrapeIngestor(): Promise<IngestorSnapshot | null> {
    const url = this.options.ingestorUrl;
    if (url === null) return null;
    try {
      const response = await fetch(url, { signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(INGESTOR_TIMEOUT_MS)]) });
      if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
      const snapshot = ingestorSnapshot(await response.text());
      this.ingestorStatus = { status: 'up' };
      return snapshot;
    } catch (error) {
      // fetch's own message is "fetch failed"; its cause says what failed (connect ECONNREFUSED ...).
      const { message, cause } = error as Error & { cause?: { message?: unknown } };
      this.ingestorStatus = { status: 'down', detail: typeof cause?.message === 'string' && cause.message !== '' ? cause.message : message };
      return null;
    }
  }
}
