import { formatAge, formatDuration, formatRate, formatSeconds, formatValue } from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [3.4, '3 s'],
    [119, '119 s'],
    [900, '15 min'],
    [7_199, '120 min'],
    [21_600, '6 h'],
    [86_400, '24 h'],
    [604_800, '7 d'],
  ])('%d s: %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatAge', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  it.each([
    ['2026-12-01T11:59:57Z', '3 s ago'],
    ['2026-12-01T12:00:00.300Z', '0 s ago'],
    ['2026-12-01T11:45:00Z', '15 min ago'],
    ['2026-11-24T12:00:00Z', '7 d ago'],
    ['2026-12-01T12:00:05Z', 'in 5 s'],
  ])('%s: %s', (time, text) => {
    expect(formatAge(time, now)).toBe(text);
  });
});

describe('formatSeconds and formatRate', () => {
  it.each([
    [null, '–'],
    [0, '0'],
    [0.00042, '420 µs'],
    [0.0025, '2.5 ms'],
    [0.25, '250 ms'],
    [1.234, '1.2 s'],
  ])('%p seconds: %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  it.each([
    [null, '–'],
    [0, '0'],
    [0.2, '0.2/s'],
    [12.34, '12/s'],
    [1_250.4, '1,250/s'],
  ])('%p per second: %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });
});

describe('formatValue', () => {
  it.each([
    [34, '34'],
    ['F', '"F"'],
    [true, 'true'],
    [null, 'null'],
    ['2026-12-01T12:00:00.000Z', '"2026-12-01T12:00:00.000Z"'],
    [[0.1, 0.2], '[0.1,0.2]'],
    [[1, 2, 3, 4, 5, 6], '[1, 2, 3, 4, … 6 values]'],
  ])('%p: %s', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });
});
