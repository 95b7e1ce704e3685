import { backoffMs, retryAfterMs, retryDelay } from './retry';

const policy = { retries: 2, baseDelayMs: 25, maxDelayMs: 1_000 };

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['absent', null, undefined],
    ['delay-seconds', '3', 3_000],
    ['delay-seconds with spaces', ' 0 ', 0],
    ['an HTTP date', 'Thu, 01 Jan 2026 00:00:02 GMT', 2_000],
    ['an HTTP date already past', 'Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['a negative number', '-1', undefined],
    ['a fraction', '1.5', undefined],
    ['garbage', 'soon', undefined],
  ])('%s', (_, header, expected) => expect(retryAfterMs(header, now)).toBe(expected));
});

describe('backoffMs', () => {
  it.each([
    [0, 25],
    [1, 50],
    [3, 200],
    [10, 1_000],
  ])('retry %i waits at most %i ms, at least 0', (attempt, bound) => {
    expect(backoffMs(policy, attempt, () => 0)).toBe(0);
    expect(backoffMs(policy, attempt, () => 0.999999)).toBeCloseTo(bound, 2);
  });
});

describe('retryDelay', () => {
  it('gives up once the retries are spent', () => {
    expect(retryDelay(policy, 0, 1_000, undefined, () => 0.5)).toBe(12.5);
    expect(retryDelay(policy, 1, 1_000, undefined, () => 0.5)).toBe(25);
    expect(retryDelay(policy, 2, 1_000, undefined, () => 0.5)).toBeNull();
    expect(retryDelay({ ...policy, retries: 0 }, 0, 1_000, undefined)).toBeNull();
  });

  it('waits at least what Retry-After asks', () => {
    expect(retryDelay(policy, 0, 5_000, 2_000, () => 1)).toBe(2_000);
  });

  it('gives up when the wait would end past the deadline', () => {
    expect(retryDelay(policy, 0, 1_000, 2_000)).toBeNull();
    expect(retryDelay(policy, 0, 10, undefined, () => 1)).toBeNull();
  });
});
