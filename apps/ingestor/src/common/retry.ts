import type { Logger } from '@nestjs/common';
import type { Pause } from './pause';

const MIN_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

export interface RetryOptions {
  readonly logger: Logger;
  readonly pause: Pause;
  /** Checked before each new attempt: true gives up (the last error is thrown). */
  readonly stopping: () => boolean;
  /** Attempts at most (default: until `stopping`). */
  readonly attempts?: number;
}

/**
 * Runs `operation` until it succeeds, waiting 100 ms, 200 ms ... up to 5 s between attempts and
 * logging each failure. Only for idempotent operations: writes are (last write wins by event time).
 */
export async function retrying<T>(what: string, operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  let delay = MIN_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (options.stopping() || attempt === options.attempts) throw error;
      options.logger.warn(`${what} failed (${(error as Error).message}); retrying in ${delay} ms`);
      await options.pause.for(delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
