/** Codes the client sets itself, when no answer of the API carries one. */
export const ClientErrorCode = {
  /** The call's `timeoutMs` passed before an answer (retries included). */
  Timeout: 'TIMEOUT',
  /** The API could not be reached, or the connection failed mid-request (after any retries). */
  ConnectionFailed: 'CONNECTION_FAILED',
  /** The API answered something that is not the JSON of its documented bodies. */
  InvalidResponse: 'INVALID_RESPONSE',
} as const;

export interface FeatureStoreApiErrorFields {
  /** The API's `code` (`UNKNOWN_FEATURE`, `REDIS_ERROR`, ...), or one of `ClientErrorCode`. */
  readonly code: string;
  /** The API's `detail`, or what the client saw. */
  readonly detail: string;
  /** The HTTP status; null when no answer came. */
  readonly status: number | null;
  /** The request's `x-request-id` (the API's logs of a failed request name it). */
  readonly requestId: string;
  /** The API's whole error body (a write refused over stored data adds `written`, `stale`, `rejected`). */
  readonly body?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** Every failure of a client call, but a call aborted through its own `signal` (which rejects with the signal's reason). */
export class FeatureStoreApiError extends Error {
  override readonly name = 'FeatureStoreApiError';
  readonly code: string;
  readonly detail: string;
  readonly status: number | null;
  readonly requestId: string;
  readonly body: Readonly<Record<string, unknown>> | undefined;

  constructor({ code, detail, status, requestId, body, cause }: FeatureStoreApiErrorFields) {
    super(`${status === null ? '' : `${status} `}${code}: ${detail} (request ${requestId})`, cause === undefined ? undefined : { cause });
    this.code = code;
    this.detail = detail;
    this.status = status;
    this.requestId = requestId;
    this.body = body;
  }
}
