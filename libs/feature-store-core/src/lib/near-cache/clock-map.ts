/** What a `ClockMap` holds: anything with a bit that a hit sets. */
export interface ClockEntry {
  used: boolean;
}

/**
 * A map of at most `capacity` entries that evicts by second chance (CLOCK), an approximation of
 * least-recently-used: a hit only sets the entry's `used` bit, so the hot path reorders nothing.
 * The map's insertion order is the clock: making room takes the oldest entry; a used one has its
 * bit cleared and goes to the back, the first unused one is evicted.
 */
export class ClockMap<V extends ClockEntry> {
  private readonly entries = new Map<string, V>();

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry of `key`; the caller sets `used` when it serves it. */
  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Adds or replaces the entry of `key`, evicting another when the map is full. */
  set(key: string, value: V): void {
    if (!this.entries.has(key)) this.makeRoom();
    this.entries.set(key, value);
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private makeRoom(): void {
    while (this.entries.size >= this.capacity) {
      const [key, oldest] = this.entries.entries().next().value as [string, V];
      this.entries.delete(key);
      if (!oldest.used) return;
      oldest.used = false;
      this.entries.set(key, oldest);
    }
  }
}
