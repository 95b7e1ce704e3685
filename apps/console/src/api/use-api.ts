import { useEffect, useState } from 'react';
import { type ApiAnswer, callApi } from './api-client';
import { useApiKey } from './api-key';

export interface ApiState<T> {
  /** The last answer to this request (kept while a refresh fails). */
  readonly answer: ApiAnswer<T> | undefined;
  /** Why the last call failed, if it did. */
  readonly error: unknown;
  /** No answer nor error yet for this request. */
  readonly loading: boolean;
}

interface Settled<T> {
  readonly request: string;
  readonly answer: ApiAnswer<T> | undefined;
  readonly error: unknown;
}

/**
 * Calls `path` (GET, or POST with `body`) with the page's key, again whenever the key or the
 * request changes, and every `refreshMs` when given (the next call is scheduled once the last
 * one is answered, so a slow API is never asked twice at once). `path` null calls nothing.
 */
export function useApi<T>(path: string | null, body?: unknown, refreshMs?: number): ApiState<T> {
  const { key } = useApiKey();
  const bodyText = body === undefined ? undefined : JSON.stringify(body);
  const request = path === null ? null : JSON.stringify([path, bodyText, key]);
  const [settled, setSettled] = useState<Settled<T> | null>(null);

  useEffect(() => {
    if (path === null || request === null) return undefined;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const answer = await callApi<T>(path, { key, body: bodyText === undefined ? undefined : JSON.parse(bodyText), signal: controller.signal });
        setSettled({ request, answer, error: undefined });
      } catch (error) {
        if (controller.signal.aborted) return;
        setSettled((previous) => ({ request, answer: previous?.request === request ? previous.answer : undefined, error }));
      }
      if (refreshMs !== undefined && !controller.signal.aborted) timer = setTimeout(() => void load(), refreshMs);
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [path, bodyText, key, request, refreshMs]);

  const current = settled !== null && settled.request === request ? settled : null;
  return { answer: current?.answer, error: current?.error, loading: request !== null && current === null };
}
