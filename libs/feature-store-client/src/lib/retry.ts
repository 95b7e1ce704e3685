/** When a read is tried again. Writes never are: a push that failed midway may have been applied. */
export interface RetryPolicy {
  /** Tries after the first; 0: none. */
  readonly retries: number;
  /** The backoff before retry n (from 0) is drawn from [0, min(maxDelayMs, baseDelayMs x 2^n)]. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The statuses worth another try: the API is unavailable for now (503) or asks to slow down (429). */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * The wait before retry `attempt` (0 for the first retry): "full jitter" exponential backoff, so
 * that clients that failed together do not come back together.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

/**
 * A `Retry-After` header in milliseconds: delay-seconds or an HTTP date (relative to `now`);
 * undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  // An HTTP date names its day and month ("Thu, 01 Jan 2026 00:00:02 GMT"); Date.parse alone would take "-1" too.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retrying a failed attempt of a read, or null to give up: when the
 * retries are spent, or when the wait (at least what `Retry-After` asks) would end past the call's
 * deadline.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, remainingMs: number, retryAfter: number | undefined, random?: () => number): number | null {
  if (attempt >= policy.retries) return null;
  const delay = Math.max(retryAfter ?? 0, backoffMs(policy, attempt, random));
  return delay < remainingMs ? delay : null;
}
