import { tracksFor } from './tracker';

describe('tracksFor (CLIENT TRACKINGINFO, as Redis 7 answers it)', () => {
  it.each<[string, unknown, boolean]>([
    ['on, redirected to the subscriber', ['flags', ['on'], 'redirect', 3, 'prefixes', []], true],
    ['redirected elsewhere', ['flags', ['on'], 'redirect', 4, 'prefixes', []], false],
    ['a redirect whose connection is gone', ['flags', ['on', 'broken_redirect'], 'redirect', 3, 'prefixes', []], false],
    ['off', ['flags', ['off'], 'redirect', -1, 'prefixes', []], false],
    ['not an array', 'OK', false],
  ])('%s', (_, info, expected) => {
    expect(tracksFor(info, 3)).toBe(expected);
  });

  it('is false while the subscriber has no id', () => {
    expect(tracksFor(['flags', ['on'], 'redirect', 3, 'prefixes', []], null)).toBe(false);
  });
});
