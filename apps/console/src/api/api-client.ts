import type { ErrorBody } from './api-types';

/** The header the API reads a key from (apps/api/src/auth/authorize.ts). */
export const API_KEY_HEADER = 'x-api-key';

/** An answer of the API that is not a success: its status and its `{"detail", "code"}`. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

export interface ApiAnswer<T> {
  readonly body: T;
  /** The body as the API wrote it. */
  readonly text: string;
}

/**
 * Calls a route of the API on this origin. The key, when there is one, goes in a header only:
 * never in a URL, which logs and browser history keep. No cookie is sent or needed.
 * @throws ApiProblem for an answer other than 2xx
 */
export async function callApi<T>(path: string, options: { key: string; body?: unknown; signal?: AbortSignal }): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = options.key === '' ? {} : { [API_KEY_HEADER]: options.key };
  const init: RequestInit = { method: 'GET', headers, credentials: 'omit', cache: 'no-store', signal: options.signal ?? null };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    Object.assign(init, { method: 'POST', body: JSON.stringify(options.body) });
  }
  const response = await fetch(path, init);
  const text = await response.text();
  if (!response.ok) {
    const error = parseError(text);
    throw new ApiProblem(response.status, error?.code ?? 'HTTP_ERROR', error?.detail ?? `The API answered ${response.status}`);
  }
  return { body: JSON.parse(text) as T, text };
}

function parseError(text: string): ErrorBody | null {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody> | null;
    return typeof body?.detail === 'string' && typeof body.code === 'string' ? { detail: body.detail, code: body.code } : null;
  } catch {
    // Not the API's error body (a proxy's page, say): the status alone says what happened.
    return null;
  }
}

/** What to tell the user about a failed call. */
export function problemText(error: unknown): string {
  if (error instanceof ApiProblem) {
    if (error.status === 401) return 'This API needs a key with the read scope: enter it in the key field above.';
    if (error.status === 403) return 'This key lacks the read scope: nothing can be shown with it.';
    return `${error.message} (${error.code})`;
  }
  return error instanceof Error ? `The API did not answer: ${error.message}` : String(error);
}
