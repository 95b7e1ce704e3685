import fc from 'fast-check';
import { jsonDepthExceeds, parseIdListBody } from './json-body';

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

describe('parseIdListBody', () => {
  it.each([
    ['{"user_ids":["user00001","b"]}', { user_ids: ['user00001', 'b'] }],
    ['{"ids":["a:1","a.2","a-3","A_4"]}', { ids: ['a:1', 'a.2', 'a-3', 'A_4'] }],
    ['{"user_ids":["x"]}', { user_ids: ['x'] }],
  ])('reads %s', (text, body) => {
    expect(parseIdListBody(text)).toEqual(body);
  });

  it.each([
    ['white space', '{"user_ids": ["a"]}'],
    ['an empty list', '{"user_ids":[]}'],
    ['an empty id', '{"user_ids":["a",""]}'],
    ['an escape', '{"user_ids":["a\\u0062"]}'],
    ['a quote', '{"user_ids":["a\\"b"]}'],
    ['a comma inside an id', '{"user_ids":["a,b"]}'],
    ['a space inside an id', '{"user_ids":["a b"]}'],
    ['a number', '{"user_ids":["a",1]}'],
    ['two keys', '{"user_ids":["a"],"x":["b"]}'],
    ['a nested list', '{"user_ids":[["a"]]}'],
    ['__proto__, which Fastify refuses', '{"__proto__":["a"]}'],
    ['constructor', '{"constructor":["a"]}'],
    ['trailing text', '{"user_ids":["a"]}x'],
  ])('leaves %s to the JSON parser', (_case, text) => {
    expect(parseIdListBody(text)).toBeUndefined();
  });

  it('returns what JSON.parse returns, or undefined', () => {
    const plainId = fc.stringMatching(/^[\w.:-]{1,12}$/);
    const body = fc.oneof(
      fc.record({ user_ids: fc.array(fc.oneof(plainId, fc.string()), { minLength: 1 }) }),
      fc.dictionary(fc.string(), fc.array(plainId)),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(body, (value) => {
        const text = JSON.stringify(value);
        const read = parseIdListBody(text);
        if (read !== undefined) expect(read).toEqual(JSON.parse(text));
      }),
    );
  });

  it('reads every list of plain ids', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[\w.:-]{1,12}$/), { minLength: 1 }), (ids) => {
        expect(parseIdListBody(JSON.stringify({ user_ids: ids }))).toEqual({ user_ids: ids });
      }),
    );
  });
});
