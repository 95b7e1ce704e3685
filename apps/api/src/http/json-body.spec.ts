import fc from 'fast-check';
import { MAX_JSON_DEPTH, jsonDepthExceeds, parseIdListBody, parsePlainJson } from './json-body';

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

describe('parsePlainJson (hand-written fast path) against JSON.parse', () => {
  const parsed = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  const hasSpecialKey = (value: unknown): boolean =>
    typeof value === 'object' && value !== null &&
    Object.entries(value).some(([key, item]) => key === '__proto__' || key === 'constructor' || hasSpecialKey(item));
  const hasObjectInArray = (value: unknown): boolean =>
    Array.isArray(value)
      ? value.some((item) => (typeof item === 'object' && item !== null && !Array.isArray(item)) || hasObjectInArray(item))
      : typeof value === 'object' && value !== null && Object.values(value).some(hasObjectInArray);

  it('reads any JSON text of plain strings as JSON.parse does, and gives up on the rest', () => {
    const plain = fc.string().filter((text) => ![...text].some((char) => char === '\\' || char < ' '));
    const json = fc.oneof(
      fc.json({ maxDepth: 6 }),
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value, null, 2)),
      fc.dictionary(fc.constantFrom('entities', 'features', 'full_feature_names', 'x'), fc.array(plain, { maxLength: 20 })).map((value) => JSON.stringify(value)),
    );
    fc.assert(
      fc.property(json, (text) => {
        const result = parsePlainJson(text, MAX_JSON_DEPTH);
        const value: unknown = JSON.parse(text);
        if (result !== undefined) expect(result).toEqual(value);
        // Everything without an escape, a special key, an object in an array or too deep a nesting takes the fast path.
        else expect(text.includes('\\') || hasSpecialKey(value) || hasObjectInArray(value) || jsonDepthExceeds(text, MAX_JSON_DEPTH)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('never answers for text JSON.parse refuses', () => {
    const near = fc.oneof(
      fc.string(),
      fc.json().chain((text) => fc.nat(text.length).map((cut) => text.slice(0, cut) + text.slice(cut + 1))),
      fc.json().map((text) => `${text},`),
    );
    fc.assert(
      fc.property(near, (text) => {
        const result = parsePlainJson(text, MAX_JSON_DEPTH);
        if (result !== undefined) expect(result).toEqual(parsed(text));
        if (parsed(text) === undefined) expect(result).toBeUndefined();
      }),
      { numRuns: 3_000 },
    );
  });

  it.each([
    ['a Feast read', '{"entities":{"user_id":["user00001","user00002"],"item_id":[1,2]},"features":["v:a"],"full_feature_names":true}'],
    ['white space and numbers', ' { "a" : [ -0 , 1.5e3 , 0.25, true , false , null , [] ] , "b" : { } } '],
    ["a Feast push's columns", '{"push_source_name":"s","df":{"driver_id":[1001,1002],"event_timestamp":["2022-05-13 10:59:42+00:00",1652439582],"conv_rate":[0.5,null]},"to":"online"}'],
  ])('reads %s', (_name, text) => {
    expect(parsePlainJson(text, MAX_JSON_DEPTH)).toEqual(JSON.parse(text));
  });

  it.each([
    ['an escape', '{"a":"b\\"c"}'],
    ['__proto__', '{"__proto__":{"x":1}}'],
    ['constructor', '{"constructor":{"prototype":{"x":1}}}'],
    ['nesting past the limit', `${'['.repeat(33)}${']'.repeat(33)}`],
    ['rows of objects, which JSON.parse builds faster', '{"rows":[{"id":"a","features":{"x":1}}]}'],
    ['two values', '[1] [2]'],
    ['a leading zero', '[01]'],
    ['a byte-order mark', '\ufeff{}'],
  ])('gives up on %s', (_name, text) => {
    expect(parsePlainJson(text, MAX_JSON_DEPTH)).toBeUndefined();
  });

  it('reads nesting up to the limit', () => {
    const text = `${'['.repeat(32)}${']'.repeat(32)}`;
    expect(parsePlainJson(text, MAX_JSON_DEPTH)).toEqual(JSON.parse(text));
  });
});
