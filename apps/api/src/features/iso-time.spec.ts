import fc from 'fast-check';
import { isoTime } from './iso-time';

/** What isoTime must equal: Date's own ISO-8601, null for what a date cannot hold. */
function expected(ms: number): string | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

describe('isoTime (hand-written fast path) against Date.prototype.toISOString', () => {
  it('writes every time alike, whatever the order of days it meets', () => {
    const time = fc.oneof(
      fc.integer({ min: 0, max: 253_402_300_799_999 }),
      // Times of the same few days, as a read's rows mostly are.
      fc.integer({ min: 0, max: 3 * 86_400_000 }).map((offset) => Date.UTC(2026, 11, 4) + offset),
      fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }),
      fc.double({ noNaN: false }),
      fc.constantFrom(0, -1, 86_399_999, 86_400_000, 253_402_300_799_999, 253_402_300_800_000, 1.5, -0, Infinity, -Infinity, NaN),
    );
    fc.assert(
      fc.property(fc.array(time, { minLength: 1, maxLength: 20 }), (times) => {
        for (const ms of times) expect(isoTime(ms)).toBe(expected(ms));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps null for an unknown time', () => {
    expect(isoTime(null)).toBeNull();
  });
});
