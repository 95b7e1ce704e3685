import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientErrorCode, FeatureStoreApiError } from './errors';
import { RETRIED_STATUSES, type RetryPolicy, retryAfterMs, retryDelay } from './retry';

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call (a retry's wait included); it then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** The call's deadline in milliseconds, retries and their waits included (the client's `timeoutMs` by default). */
  readonly timeoutMs?: number;
}

export interface TransportOptions {
  /** Ends with "/". */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
}

export interface HttpCall {
  readonly method: 'GET' | 'POST';
  /** Relative to the base URL, without a leading "/". */
  readonly path: string;
  readonly body?: unknown;
  /** Reads are retried on connection errors, 503 and 429; writes never. */
  readonly retried: boolean;
}

/** Answers a call with the parsed JSON body, or fails it with the API's `{"detail", "code"}` as a FeatureStoreApiError. */
export type Transport = (call: HttpCall, options: CallOptions | undefined) => Promise<unknown>;

/**
 * HTTP over Node's own fetch (undici), whose global dispatcher keeps a pool of keep-alive
 * connections per origin: consecutive and concurrent calls reuse them, no socket per request.
 * One `x-request-id` per call, the same on every retry, so that the API's logs tie them together.
 */
export function httpTransport({ baseUrl, apiKey, timeoutMs: defaultTimeoutMs, retry }: TransportOptions): Transport {
  const key: Record<string, string> = apiKey === undefined ? {} : { 'x-api-key': apiKey };

  return async (call, options = {}) => {
    const { signal } = options;
    signal?.throwIfAborted();
    const requestId = randomUUID();
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const deadline = performance.now() + timeoutMs;
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> =
      body === undefined ? { ...key, 'x-request-id': requestId } : { ...key, 'x-request-id': requestId, 'content-type': 'application/json' };
    const url = baseUrl + call.path;

    // One controller for the whole call: the deadline and the caller's signal both end it.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const failure = (code: string, detail: string, cause?: unknown) => new FeatureStoreApiError({ code, detail, status: null, requestId, cause });
    const aborted = (cause: unknown) =>
      timedOut ? failure(ClientErrorCode.Timeout, `no answer within ${timeoutMs} ms`, cause) : (signal!.reason as unknown);

    try {
      for (let attempt = 0; ; attempt++) {
        let response: Response;
        let text: string;
        try {
          response = await fetch(url, { method: call.method, headers, body, signal: controller.signal });
          text = await response.text();
        } catch (error) {
          if (controller.signal.aborted) throw aborted(error);
          const delay = call.retried ? retryDelay(retry, attempt, deadline - performance.now(), undefined) : null;
          if (delay === null) throw failure(ClientErrorCode.ConnectionFailed, `cannot reach ${baseUrl}: ${describe(error)}`, error);
          await wait(delay, controller.signal, aborted);
          continue;
        }
        if (response.ok) return parse(text, response.status, requestId);
        const error = apiError(text, response.status, response.headers.get('x-request-id') ?? requestId);
        if (call.retried && RETRIED_STATUSES.has(response.status)) {
          const delay = retryDelay(retry, attempt, deadline - performance.now(), retryAfterMs(response.headers.get('retry-after'), Date.now()));
          if (delay !== null) {
            await wait(delay, controller.signal, aborted);
            continue;
          }
        }
        throw error;
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  };
}

async function wait(ms: number, signal: AbortSignal, aborted: (cause: unknown) => unknown): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    throw aborted(error);
  }
}

/** fetch's "fetch failed" says little: its cause names the socket error (ECONNREFUSED, ...). */
function describe(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}

function parse(text: string, status: number, requestId: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FeatureStoreApiError({ code: ClientErrorCode.InvalidResponse, detail: `the answer is not JSON: ${text.slice(0, 200)}`, status, requestId, cause: error });
  }
}

/** The API's error body `{"detail", "code", ...}` as an error; anything else as INVALID_RESPONSE. */
function apiError(text: string, status: number, requestId: string): FeatureStoreApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string') {
    const fields = body as Record<string, unknown>;
    return new FeatureStoreApiError({ code: fields['code'] as string, detail: String(fields['detail'] ?? ''), status, requestId, body: fields });
  }
  return new FeatureStoreApiError({ code: ClientErrorCode.InvalidResponse, detail: `HTTP ${status}: ${text.slice(0, 200)}`, status, requestId });
}
