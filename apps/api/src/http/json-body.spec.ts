import { jsonDepthExceeds } from './json-body';

describe('jsonDepthExceeds', () => {
  it.each([
    ['{"user_ids":["a","b"]}', 2, false],
    ['{"user_ids":["a","b"]}', 1, true],
    ['[[[1]]]', 3, false],
    ['[[[1]]]', 2, true],
    ['{"a":"[[[[[[[[[[[[["}', 1, false],
    ['{"a":"\\"[[[[["}', 1, false],
    ['"just a string"', 0, false],
    [`${'['.repeat(100)}${']'.repeat(100)}`, 32, true],
  ])('%s exceeds %i levels: %s', (text, limit, expected) => {
    expect(jsonDepthExceeds(text, limit)).toBe(expected);
  });
});
