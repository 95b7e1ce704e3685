import { Logger } from '@nestjs/common';

/** Each key is logged at most once in this long. */
const LOG_INTERVAL_MS = 60_000;
/** Keys remembered at most: past it the oldest are forgotten (and may be logged again early). */
const MAX_KEYS = 10_000;

/**
 * Logs stored data a read could not serve, naming the key and field so an operator can fix it:
 * at most once a minute per key, in bounded memory.
 */
export class InvalidDataLog {
  private readonly logger = new Logger('InvalidData');
  private readonly lastLogged = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** A value that cannot be read as its declared type. */
  value(key: string, field: string): void {
    if (this.due(key)) this.logger.warn(`Redis key ${key}: field ${field} does not hold a valid value of its type; served as null (INVALID)`);
  }

  /** A key of another type than a hash. */
  entity(key: string): void {
    if (this.due(key)) this.logger.warn(`Redis key ${key} holds another type than a hash; served as not found (INVALID)`);
  }

  private due(key: string): boolean {
    const now = this.clock();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < LOG_INTERVAL_MS) return false;
    this.lastLogged.delete(key);
    if (this.lastLogged.size >= MAX_KEYS) this.lastLogged.delete(this.lastLogged.keys().next().value!);
    this.lastLogged.set(key, now);
    return true;
  }
}
